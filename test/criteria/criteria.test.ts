import { describe, expect, it } from 'vitest';
import { compileCriterion, type Criterion } from '../../src/criteria/compile.js';
import { evaluateCriteria } from '../../src/criteria/evaluate.js';
import { parseExpression } from '../../src/criteria/expression.js';
import { decideVerdict } from '../../src/criteria/judge.js';
import { requirementInWords } from '../../src/criteria/in-words.js';
import { targetCatalog, REQUIRED_PROBES_CRITERION } from '../../src/config/validate.js';
import type { TargetBase } from '../../src/fields/target.js';
import type { MeasuredItem } from '../../src/results/result.js';

const ENGINES = ['analytics', 'risk', 'factor', 'ml', 'features', 'websocket', 'strategy', 'marketdata', 'portfolio', 'collateral'];
const targets: TargetBase[] = [
  ...ENGINES.map((name) => ({ name, kind: 'engine', url: 'http://x', required: name !== 'features' })),
  { name: 'primary', kind: 'redis', url: 'redis://x', required: true },
  {
    name: 'monitoring',
    kind: 'prometheus',
    url: 'http://p',
    required: true,
    queries: [{ name: 'error_rate_pct', query: 'x', unit: 'percent' }],
  } as TargetBase,
];
const catalog = targetCatalog(targets);

function compile(expect: string, severity: 'critical' | 'warning' = 'critical'): Criterion {
  const c = compileCriterion({ expect, severity }, catalog);
  if (typeof c === 'string') throw new Error(c);
  return c;
}

function engine(name: string, up: boolean, latency: number): MeasuredItem {
  return {
    kind: 'engine',
    name,
    status: up ? 'pass' : 'fail',
    required: name !== 'features',
    error: up ? undefined : 'HTTP 503, expected 2xx',
    measurements: [
      { metric: 'available', value: up ? 100 : 0, unit: 'percent' },
      { metric: 'latency_ms', value: latency, unit: 'ms' },
    ],
  };
}

const nineOfTen = ENGINES.map((e, i) => engine(e, e !== 'features', 1 + i));
const infra: MeasuredItem[] = [
  {
    kind: 'redis',
    name: 'primary',
    status: 'pass',
    required: true,
    measurements: [{ metric: 'memory_used_pct', value: 42, unit: 'percent' }],
  },
  {
    kind: 'prometheus',
    name: 'monitoring',
    status: 'warn',
    required: true,
    measurements: [
      { metric: 'alerts_firing', value: 1, unit: 'count' },
      {
        metric: 'alerts_firing',
        labels: { alertname: 'EngineMaintenance', severity: 'warning', instance: 'features:8500' },
        value: 1,
        unit: 'count',
      },
      { metric: 'error_rate_pct', value: 0.4, unit: 'percent' },
    ],
    // The rules say what could fire: a critical EngineDown exists, it is just not firing.
    labelValues: { alerts_firing: { alertname: ['EngineDown', 'EngineMaintenance'], severity: ['critical', 'warning'] } },
  },
];

describe('expression parser', () => {
  it('parses references with labels, numbers with units, and strings', () => {
    const e = parseExpression('prometheus.alerts_firing{severity="critical", team=\'core\'} == 0');
    expect(e.left).toMatchObject({
      type: 'ref',
      path: ['prometheus', 'alerts_firing'],
      matchers: [
        { name: 'severity', op: '=', value: 'critical' },
        { name: 'team', op: '=', value: 'core' },
      ],
    });
    const ops = parseExpression('a.alerts_firing{job!="batch", instance=~"10\\..*", env!~"dev|test"} == 0').left;
    expect(ops).toMatchObject({
      matchers: [
        { name: 'job', op: '!=' },
        { name: 'instance', op: '=~', value: '10\\..*' },
        { name: 'env', op: '!~', value: 'dev|test' },
      ],
    });
    expect(e.op).toBe('==');
    expect(parseExpression('engine.risk.latency_ms<0.1s').right).toMatchObject({ type: 'number', value: 0.1, unit: 's' });
  });

  it.each([
    ['engine.risk.latency_ms < 100 zz', 'unknown unit "zz": use one of % ms s m h d B KB MB GB KiB MiB GiB /s at column 30'],
    ['engine.risk.latency_ms <', 'expected a value or a measurement name, found the end of the expression at column 25'],
    ['engine.risk.latency_ms 100', 'expected a comparison (<, <=, >, >=, ==, !=), found "10" at column 24'],
    ['a{severity=critical} == 0', 'expected a quoted label value, e.g. severity="critical" at column 12'],
    ['a{severity<"x"} == 0', 'expected =, !=, =~ or !~ after label "severity" at column 11'],
    ['a{job=~"(unclosed"} == 0', 'invalid regular expression for label "job": /^(?:(unclosed)$/: Unterminated group at column 8'],
    ['a < 1 and b > 2', 'unexpected "and b > 2" after the comparison (one comparison per expression) at column 7'],
    ['a == "open', 'unterminated string: missing closing " at column 6'],
  ])('%s -> %s', (text, message) => {
    expect(() => parseExpression(text)).toThrow(message);
  });

  it('quotes the input and points a caret at the problem', () => {
    expect(() => parseExpression('engines.available => 90%')).toThrow('\n    engines.available => 90%\n                      ^');
  });
});

describe('compiling against what the config measures', () => {
  it('converts literal units into the measurement unit', () => {
    expect(compile('engine.risk.latency_ms < 100 ms').bound).toBe(100);
    expect(compile('engine.risk.latency_ms < 0.1s').bound).toBe(100);
    expect(compile('redis.primary.used_memory_bytes < 2GiB').bound).toBe(2 * 1024 ** 3);
    expect(compile('engines.available >= 90%').bound).toBe(90);
  });

  it('puts the measurement on the left whichever side it was written on', () => {
    const c = compile('100ms > engine.latency_ms');
    expect([c.refText, c.op, c.bound]).toEqual(['engine.latency_ms', '<', 100]);
  });

  it.each([
    ['redis.nope < 1', 'unknown measurement "redis.nope"'],
    ['redsi.primary.ping_ms < 1', '"redsi" is not a kind in this config (did you mean "redis"?)'],
    ['engine.risk < 5', '"risk" is the name of an engine, not a measurement; add one: engine.risk.latency_ms'],
    ['engine.risk.latency_ms < engine.ml.latency_ms', 'compares two measurements'],
    ['1 < 2', 'compares two values'],
    ['redis.primary.role == "master"', 'measurements are numbers'],
    ['redis.primary.connected_clients < 5ms', 'a value in "ms" cannot be compared with a measurement in plain numbers; drop the unit'],
  ])('%s is rejected: %s', (expr, message) => {
    expect(compileCriterion({ expect: expr, severity: 'critical' }, catalog)).toContain(message);
  });
});

describe('evaluation and verdict', () => {
  it('9 of 10 engines healthy, the down one optional, meets engines.available >= 90%: GO', () => {
    const criteria = [
      { ...(compileCriterion(REQUIRED_PROBES_CRITERION, catalog) as Criterion), implicit: true },
      compile('engines.available >= 90%'),
    ];
    const results = evaluateCriteria(criteria, [...nineOfTen, ...infra]);
    expect(results.map((r) => [r.actual, r.outcome, r.status])).toEqual([
      [0, 'MET', 'pass'],
      [90, 'MET', 'pass'],
    ]);
    expect(decideVerdict(results)).toBe('GO');
  });

  it('the same engine required makes NO-GO through the implicit criterion', () => {
    const items = nineOfTen.map((i) => (i.name === 'features' ? { ...i, required: true } : i));
    const results = evaluateCriteria([compileCriterion(REQUIRED_PROBES_CRITERION, catalog) as Criterion], items);
    expect(results[0]).toMatchObject({ actual: 1, outcome: 'NOT MET', status: 'fail', grade: 'F' });
    expect(decideVerdict(results)).toBe('NO-GO');
  });

  it('8 of 10 is NOT MET and names the failing engines', () => {
    const items = nineOfTen.map((i) => (i.name === 'ml' ? engine('ml', false, 1) : i));
    const [r] = evaluateCriteria([compile('engines.available >= 90%')], items);
    expect(r).toMatchObject({ actual: 80, outcome: 'NOT MET', status: 'fail' });
    expect(r.reason).toBe('not met by: ml (HTTP 503, expected 2xx); features (HTTP 503, expected 2xx)');
  });

  it('aggregates by the metric kind: worst latency, summed counts', () => {
    const [lat, alerts] = evaluateCriteria(
      [compile('engine.latency_ms < 100ms'), compile('prometheus.alerts_firing < 5')],
      [...nineOfTen, ...infra],
    );
    expect(lat.actual).toBe(10); // the slowest engine, collateral (index 9)
    expect(alerts.actual).toBe(1);
  });

  it('grades by margin: far beyond A+, beyond A, just met B', () => {
    const rs = evaluateCriteria(
      [compile('engine.latency_ms < 100'), compile('engine.latency_ms < 10.6'), compile('engine.latency_ms <= 10')],
      nineOfTen,
    );
    expect(rs.map((r) => [r.outcome, r.grade])).toEqual([
      ['MET', 'A+'],
      ['MET', 'A'],
      ['MET', 'B'],
    ]);
  });

  it('a severity some rule has but none fires is zero; one no rule has is NOT RUN; a target that failed is NOT MET with the reason', () => {
    const [crit, page, dead] = evaluateCriteria(
      [
        compile('prometheus.alerts_firing{severity="critical"} == 0'),
        compile('prometheus.alerts_firing{severity="page"} == 0'),
        compile('engine.features.latency_ms < 100'),
      ],
      [...infra, engine('features', false, NaN)].map((i) =>
        i.name === 'features' ? { ...i, measurements: i.measurements.filter((m) => m.metric !== 'latency_ms') } : i,
      ),
    );
    expect(crit).toMatchObject({ actual: 0, status: 'pass', outcome: 'MET' });
    expect(page).toMatchObject({
      actual: null,
      status: 'inconclusive',
      outcome: 'NOT RUN',
      reason: 'no alerts_firing series of monitoring can have severity="page"; severity is one of: critical, warning',
    });
    expect(dead).toMatchObject({
      actual: null,
      status: 'fail',
      outcome: 'NOT MET',
      grade: 'F',
      reason: 'not measured: features failed (HTTP 503, expected 2xx)',
    });
  });

  it('a selector on a metric without labels is a config error', () => {
    expect(compileCriterion({ expect: 'engine.latency_ms{job="x"} < 1', severity: 'critical' }, catalog)).toBe(
      '"engine.latency_ms{job="x"}": latency_ms has no labels to select; remove the {...}',
    );
  });

  it('over many targets: a required one that measured nothing stops the claim; an optional one that failed is left out', () => {
    const down = { ...engine('risk', false, NaN), measurements: [{ metric: 'available', value: 0, unit: 'percent' as const }] };
    const [r] = evaluateCriteria(
      [compile('engine.latency_ms < 100ms')],
      nineOfTen.map((i) => (i.name === 'risk' ? down : i)),
    );
    expect(r).toMatchObject({ outcome: 'NOT MET', status: 'fail', reason: 'not measured: risk failed (HTTP 503, expected 2xx)' });
    const optionalDown = { ...down, name: 'features', required: false };
    const [o] = evaluateCriteria(
      [compile('engine.latency_ms < 100ms')],
      nineOfTen.map((i) => (i.name === 'features' ? optionalDown : i)),
    );
    expect(o).toMatchObject({ outcome: 'MET', actual: 10 });
  });

  it('a target that could not measure a metric makes a criterion on it NOT RUN and INCONCLUSIVE, even among others that did; one whose platform broke it, NOT MET', () => {
    const replicas: MeasuredItem[] = [
      { kind: 'redis', name: 'primary', status: 'pass', required: true, measurements: [] },
      {
        kind: 'redis',
        name: 'replica-1',
        status: 'pass',
        required: true,
        measurements: [{ metric: 'replication_lag_s', value: 0.1, unit: 'seconds' }],
      },
      {
        kind: 'redis',
        name: 'replica-2',
        status: 'warn',
        required: true,
        measurements: [],
        unmeasured: { replication_lag_s: 'the primary reports no replication offset' },
      },
    ];
    const [r] = evaluateCriteria([compile('redis.replication_lag_s < 5s')], replicas);
    expect(r).toMatchObject({
      outcome: 'NOT RUN',
      status: 'inconclusive',
      reason: 'not measured: replica-2: the primary reports no replication offset',
    });
    const linkDown = { ...replicas[2], unmeasured: undefined, broken: { replication_lag_s: 'the replication link is down' } };
    const [down] = evaluateCriteria([compile('redis.replication_lag_s < 5s')], [...replicas.slice(0, 2), linkDown]);
    expect(down).toMatchObject({ outcome: 'NOT MET', status: 'fail', reason: 'replica-2: the replication link is down' });
    const [ok] = evaluateCriteria([compile('redis.replication_lag_s < 5s')], replicas.slice(0, 2));
    expect(ok).toMatchObject({ outcome: 'MET', actual: 0.1 }); // the primary, without a lag, is left out
  });

  it('a warning criterion not met is reported but still GO', () => {
    const rs = evaluateCriteria(
      [compile('redis.memory_used_pct < 40%', 'warning'), compile('prometheus.monitoring.error_rate_pct < 1%')],
      infra,
    );
    expect(rs.map((r) => [r.status, r.grade])).toEqual([
      ['warn', 'D'],
      ['pass', 'A+'],
    ]);
    expect(decideVerdict(rs)).toBe('GO');
  });
});

describe('a requirement in words', () => {
  const words = (expr: string) => {
    const c = compile(expr);
    return requirementInWords(c.ref, c.op, c.bound, c.boundText);
  };

  it('a yes/no fact reads as the fact, whichever way the bound is written, never "exactly 1"', () => {
    expect(words('redis.auth_required == 1')).toBe('password required on every redis');
    expect(words('redis.auth_required >= 1')).toBe('password required on every redis');
    expect(words('redis.primary.auth_required != 0')).toBe('password required on primary');
    expect(words('redis.primary.persistence_enabled == 0')).toBe('persistence on: no, on primary');
    // A count is still a count.
    expect(words('redis.memory_used_pct < 10%')).toBe('memory used under 10% on every redis');
  });
});
