import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/ports.js';
import { requireBinary, startPrometheus, type Running } from '../helpers/services.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'validate-alerts-'));
const promtool = () => requireBinary('promtool', 'prometheus');
const running: Running[] = [];
afterAll(() => Promise.all(running.map((r) => r.stop())));

interface RulesFile {
  groups: { name: string; rules: { alert: string; expr: string; for?: string; labels: Record<string, string> }[] }[];
}

describe('validate alerts: the go-live criteria as Prometheus alerting rules', () => {
  it("the reference config's rules file is the one in fixtures/ (regenerate it with validate alerts when this fails), and promtool accepts it", async () => {
    const r = await runCli(['alerts', join(ROOT, 'fixtures/trading-platform.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    const shipped = readFileSync(join(ROOT, 'fixtures/trading-platform.rules.yml'), 'utf8');
    expect(r.stdout.replace(/^# Alerting rules from the go-live criteria of [^ ]+/, '#')).toBe(
      shipped.replace(/^# Alerting rules from the go-live criteria of [^ ]+/, '#'),
    );
    const out = execFileSync(promtool(), ['check', 'rules', join(ROOT, 'fixtures/trading-platform.rules.yml')], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('the reference alert framework keeps its thresholds, durations and severities; what has no production form is listed, not invented', async () => {
    const rules = (parse(readFileSync(join(ROOT, 'fixtures/trading-platform.rules.yml'), 'utf8')) as RulesFile).groups[0].rules;
    const rule = (alert: string) => rules.find((x) => x.alert === alert)!;
    expect(rule('EngineDown')).toMatchObject({ for: '30s', labels: { severity: 'warning', criterion: 'Engine down' } });
    expect(rule('EngineDown').expr).toContain('100 * up{job="risk"}');
    // A required engine that leaves discovery is one the gate could not measure: the rule still fires.
    expect(rule('EngineDown').expr).toContain('or absent(100 * up{job="risk"})');
    expect(rule('ResponseTimeSustained')).toMatchObject({ for: '5m' });
    expect(rule('ResponseTimeSustained').expr).toMatch(/>= 500( or |$)/);
    const errorRate = '100 * sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))';
    // No traffic at all leaves the query empty: the gate could not measure it (NOT RUN), and the rule fires too.
    expect(rule('ErrorRate')).toMatchObject({ for: '5m', expr: `(${errorRate}) >= 1 or absent(${errorRate})` });
    expect(rule('ThroughputDrop').expr).toContain('offset 1h');
    expect(rule('DatabaseConnection')).toMatchObject({
      for: '30s',
      expr: '(100 * pg_up{job="trading-db"}) < 100 or absent(100 * pg_up{job="trading-db"})',
      labels: { target: 'trading-db', severity: 'critical' },
    });
    // What only the gate measures (a load result) is read from the gate's own outcome of it: NOT MET by any route, or NOT RUN.
    expect(rule('OrdersNeverLost').expr).toBe('validate_criterion_outcome{criterion="Orders never lost",outcome=~"NOT MET|NOT RUN"} == 1');
    // Implicit criteria are written too (errors count), or listed with why; none is left out silently.
    expect(rule('ErrorsWithinBudget').expr).toBe(
      'validate_criterion_outcome{criterion="Errors within budget",outcome=~"NOT MET|NOT RUN"} == 1',
    );
    const r = await runCli(['alerts', join(ROOT, 'fixtures/trading-platform.yaml'), '-o', join(dir, 'r.yml')]);
    expect(r.stderr).toContain('no rule for "No critical alerts": it selects labelled series');
    expect(r.stderr).toMatch(
      /no rule for "No long transactions": no PromQL for longest_transaction_s of trading-db: give it in the target's metrics:/,
    );
    expect(r.stderr).toContain('no rule for "Load results valid": it checks validate\'s own measuring');
    expect(r.stderr).toContain('no rule for "Required probes pass": it spans every kind of target');
  });

  it("a fleet rule keeps firing when a job leaves discovery, and memory without maxmemory is a share of the machine's, as Prometheus's own engine evaluates them", async () => {
    const config = join(dir, 'fleet.yaml');
    writeFileSync(
      config,
      `targets:\n  - { name: risk, kind: engine, url: "http://127.0.0.1:1" }\n  - { name: strategy, kind: engine, url: "http://127.0.0.1:2" }\n  - { name: cache, kind: redis, url: "redis://127.0.0.1:3" }\ncriteria:\n  - { name: Engine health, expect: "engines.available >= 100%" }\n  - { name: Cache memory, expect: "redis.memory_used_pct < 90%" }\n`,
    );
    const r = await runCli(['alerts', config, '-o', join(dir, 'fleet.rules.yml')]);
    expect(r.code, r.stderr).toBe(0);
    // promtool compares an alert's labels and annotations whole: the expected ones are the rule's own.
    const generated = (
      parse(readFileSync(join(dir, 'fleet.rules.yml'), 'utf8')) as {
        groups: { rules: { alert: string; labels: object; annotations: object }[] }[];
      }
    ).groups[0].rules;
    const alert = (name: string, extra: object = {}) => {
      const rule = generated.find((x) => x.alert === name)!;
      return JSON.stringify([{ exp_labels: { ...rule.labels, ...extra }, exp_annotations: rule.annotations }]);
    };
    // promtool test rules: Prometheus's own rule engine over series we write. Risk is down throughout;
    // strategy is up, then leaves discovery (stale). Cache has no maxmemory (0): 1 GiB of 4 GiB is 25%.
    writeFileSync(
      join(dir, 'fleet.test.yml'),
      `rule_files: [fleet.rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - { series: 'up{job="risk",instance="risk:1"}', values: '0 0 0 0' }
      - { series: 'up{job="strategy",instance="strategy:1"}', values: '1 1 stale' }
      - { series: 'redis_memory_used_bytes{job="cache",instance="cache:1"}', values: '1073741824x3' }
      - { series: 'redis_memory_max_bytes{job="cache",instance="cache:1"}', values: '0x3' }
      - { series: 'redis_total_system_memory_bytes{job="cache",instance="cache:1"}', values: '4294967296x3' }
    alert_rule_test:
      - { eval_time: 1m, alertname: EngineHealth, exp_alerts: ${alert('EngineHealth')} }
      - { eval_time: 3m, alertname: EngineHealth, exp_alerts: ${alert('EngineHealth')} }
      - { eval_time: 1m, alertname: CacheMemory, exp_alerts: [] }
  - interval: 1m
    input_series:
      - { series: 'up{job="risk",instance="risk:1"}', values: '1x3' }
      - { series: 'up{job="strategy",instance="strategy:1"}', values: '1x3' }
      - { series: 'redis_memory_used_bytes{job="cache",instance="cache:1"}', values: '1000x3' }
      - { series: 'redis_memory_max_bytes{job="cache",instance="cache:1"}', values: '1050x3' }
      - { series: 'redis_total_system_memory_bytes{job="cache",instance="cache:1"}', values: '4294967296x3' }
    alert_rule_test:
      - { eval_time: 2m, alertname: EngineHealth, exp_alerts: [] }
      - { eval_time: 2m, alertname: CacheMemory, exp_alerts: ${alert('CacheMemory', { job: 'cache', instance: 'cache:1' })} }
`,
    );
    const out = execFileSync(promtool(), ['test', 'rules', join(dir, 'fleet.test.yml')], { encoding: 'utf8' });
    expect(out).toContain('SUCCESS');
  });
});

describe("the rules of what only the gate measures, on a real Prometheus that scrapes the gate's textfile", () => {
  it('each fires exactly when its criterion was NOT MET (an error budget too) or NOT RUN in the run that wrote the textfile', async () => {
    // An engine whose every third answer is an HTTP 500: fast, and over the 99.9% error budget.
    let n = 0;
    const engine = createServer((req, res) => {
      req.resume();
      res.writeHead(req.url === '/orders' && ++n % 3 === 0 ? 500 : 200, { 'content-length': '2' }).end('ok');
    });
    await new Promise<void>((r) => engine.listen(0, '127.0.0.1', () => r()));
    const prom = join(dir, 'run.prom');
    const textfile = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(readFileSync(prom)),
    );
    await new Promise<void>((r) => textfile.listen(0, '127.0.0.1', () => r()));
    try {
      const config = join(dir, 'gate.yaml');
      const at = `http://127.0.0.1:${(engine.address() as { port: number }).port}`;
      writeFileSync(
        config,
        `scenarios:\n  - { name: orders, kind: concurrency, url: "${at}/orders", levels: [4], requests: 300 }\n  - { name: quotes, kind: concurrency, url: "${at}/quotes", levels: [2], requests: 100 }\n` +
          `criteria:\n  - { name: Orders fast, expect: "scenario.orders-4.p99_ms < 100ms" }\n  - { name: Quotes uncorrected, expect: "scenario.quotes-2.uncorrected_p99_ms < 1s" }\n  - { name: Orders counted, expect: "scenario.orders-4.errors >= 0" }\n`,
      );
      const run = await runCli(['run', config, '--retries', '0', '--out', prom, '--format', 'json']);
      const report = JSON.parse(run.stdout);
      const outcome = (name: string) => report.criteria.find((c: { name: string }) => c.name === name).outcome;
      // The gate's own judgement: fast but failing, not measurable (a closed model has no uncorrected view), met; and the budget.
      expect([outcome('Orders fast'), outcome('Quotes uncorrected'), outcome('Orders counted'), outcome('Errors within budget')]).toEqual([
        'NOT MET',
        'NOT RUN',
        'MET',
        'NOT MET',
      ]);
      const rules = await runCli(['alerts', config]);
      const p = await startPrometheus({
        rules: rules.stdout,
        scrape: [{ job: 'validate', target: `127.0.0.1:${(textfile.address() as { port: number }).port}` }],
      });
      running.push(p);
      const expected = ['ErrorsWithinBudget', 'OrdersFast', 'QuotesUncorrected'];
      const firing = async () =>
        ((await (await fetch(`${p.url}/api/v1/alerts`)).json()).data.alerts as { labels: { alertname: string }; state: string }[])
          .filter((a) => a.state === 'firing')
          .map((a) => a.labels.alertname)
          .sort();
      await waitFor(
        'the rules of the unmet criteria to fire',
        async () => JSON.stringify(await firing()) === JSON.stringify(expected),
        20_000,
      );
      // And the met one never does (its rule is loaded and evaluated, with its series present).
      const loaded = (await (await fetch(`${p.url}/api/v1/rules`)).json()).data.groups[0].rules.map((r: { name: string }) => r.name);
      expect(loaded).toContain('OrdersCounted');
      expect(await firing()).toEqual(expected);
    } finally {
      engine.close();
      textfile.close();
    }
  }, 60_000);
});

describe('monitoring coverage, checked on a real Prometheus', () => {
  it("rules it has loaded and evaluates pass; one left out is missing; one that fails to evaluate is unhealthy; one with another threshold or for: has drifted; one reading a job it does not scrape has no series: as Prometheus's own API says", async () => {
    // A config whose criteria become three rules; the Prometheus gets two of them, one broken.
    const config = join(dir, 'platform.yaml');
    const write = (promUrl: string) =>
      writeFileSync(
        config,
        `targets:\n  - { name: risk, kind: engine, url: "http://127.0.0.1:1", required: false }\n  - { name: prom, kind: prometheus, url: "${promUrl}", rules: generated, required: false }\n` +
          `criteria:\n  - { name: Engine health, expect: "engines.available >= 90%", for: 30s }\n  - { name: Response SLA, expect: "engine.latency_ms < 100ms" }\n  - { name: Engine down, expect: "engine.available >= 100%", for: 30s, severity: warning }\n` +
          `  - { name: Fast engines, expect: "engine.latency_ms < 50ms", for: 30s }\n` +
          `  - { name: Monitoring coverage, expect: "prometheus.prom.rules_missing == 0" }\n  - { name: Rules healthy, expect: "prometheus.prom.rules_unhealthy == 0" }\n  - { name: Response rule there, expect: 'prometheus.prom.rules_missing{alertname="ResponseSLA"} == 0' }\n` +
          `  - { name: Rules as written, expect: "prometheus.prom.rules_drifted == 0" }\n`,
      );
    write('http://127.0.0.1:9');
    const generated = await runCli(['alerts', config]);
    expect(generated.code, generated.stderr).toBe(0);
    const file = parse(generated.stdout) as RulesFile;
    expect(file.groups[0].rules.map((r) => r.alert)).toEqual(['EngineHealth', 'ResponseSLA', 'EngineDown', 'FastEngines']);
    const generatedFast = file.groups[0].rules[3].expr;
    // Left out: EngineDown. Broken at evaluation (many-to-one without group_left): ResponseSLA.
    file.groups[0].rules = file.groups[0].rules.filter((r) => r.alert !== 'EngineDown');
    file.groups[0].rules[1].expr = '(vector(1) or label_replace(vector(2), "a", "b", "", "")) * on() vector(1) > 0';
    // Loaded under its name, but 100 times looser and an hour late: it would never page in time.
    const fast = file.groups[0].rules[2];
    fast.expr = fast.expr.replaceAll('>= 50', '>= 5000');
    fast.for = '1h';
    const rulesText = stringify(file);
    writeFileSync(join(dir, 'loaded.yml'), rulesText);
    expect(execFileSync(promtool(), ['check', 'rules', join(dir, 'loaded.yml')], { encoding: 'utf8' })).toContain('SUCCESS: 3 rules found');
    const prom = await startPrometheus({ rules: rulesText, ready: () => true });
    running.push(prom);
    // Both loaded rules evaluated at least once (1 s interval).
    await waitFor(
      'the rules evaluated',
      async () => {
        const body = await (await fetch(`${prom.url}/api/v1/rules`)).json();
        return body.data.groups[0].rules.every((r: { lastEvaluation: string }) => !r.lastEvaluation.startsWith('0001'));
      },
      20_000,
    );
    const own = await (await fetch(`${prom.url}/api/v1/rules`)).json();
    const health = Object.fromEntries(own.data.groups[0].rules.map((r: { name: string; health: string }) => [r.name, r.health]));
    expect(health).toEqual({ EngineHealth: 'ok', ResponseSLA: 'err', FastEngines: 'ok' });
    const loadedFast = own.data.groups[0].rules.find((r: { name: string }) => r.name === 'FastEngines');
    expect([loadedFast.query, loadedFast.duration]).toEqual([fast.expr, 3600]);

    write(prom.url);
    const r = await runCli(['run', config, '--format', 'json']);
    const report = JSON.parse(r.stdout);
    const probe = report.probes.find((p: { name: string }) => p.name === 'prom');
    const series = (metric: string) =>
      probe.measurements
        .filter((m: { metric: string; labels?: object }) => m.metric === metric && m.labels)
        .map((m: { labels: { alertname: string } }) => m.labels.alertname);
    expect(series('rules_missing')).toEqual(['EngineDown']);
    expect(series('rules_unhealthy')).toEqual(['ResponseSLA']);
    expect(probe.warnings).toEqual(
      expect.arrayContaining([
        'alerting rule(s) not loaded: EngineDown',
        expect.stringMatching(/^alerting rule ResponseSLA fails to evaluate: .*many-to-one/),
      ]),
    );
    const outcome = (name: string) => report.criteria.find((c: { name: string }) => c.name === name).outcome;
    expect([outcome('Monitoring coverage'), outcome('Rules healthy'), outcome('Response rule there'), outcome('Rules as written')]).toEqual(
      ['NOT MET', 'NOT MET', 'MET', 'NOT MET'],
    );
    // ResponseSLA's expression was replaced (it is also unhealthy); FastEngines keeps its name with another threshold and for:.
    expect(series('rules_drifted')).toEqual(['ResponseSLA', 'FastEngines']);
    const driftWarning = probe.warnings.find((w: string) => w.startsWith("alerting rule FastEngines is not the gate's"));
    expect(driftWarning).toContain('>= 5000');
    expect(driftWarning).toContain(`its for: is 3600s, the gate's 30s`);
    expect(generatedFast).toMatch(/>= 50$/);
    // This Prometheus scrapes jobs self and gone, not risk: every rule on the engine reads a series it does not have.
    expect(series('rules_without_series')).toEqual(['EngineHealth', 'ResponseSLA', 'EngineDown', 'FastEngines']);
    expect(probe.warnings).toContain(
      'alerting rule EngineHealth reads 100 * up{job="risk"}, which has no series in this Prometheus: it cannot fire (is the job named so? are validate\'s own metrics scraped?)',
    );
    expect(report.verdict).toBe('NO-GO');
  }, 60_000);
});
