import { describe, expect, it } from 'vitest';
import { MetricCatalog } from '../../src/criteria/catalog.js';
import { compileCriterion, type Criterion } from '../../src/criteria/compile.js';
import { evaluateCriteria } from '../../src/criteria/evaluate.js';
import { decideVerdict, judgeRun } from '../../src/criteria/judge.js';
import { FAULT_METRICS } from '../../src/faults/fault-metrics.js';
import { faultItem, scenarioItem } from '../../src/results/items.js';
import type { MeasuredItem } from '../../src/results/result.js';
import type { ScenarioResult } from '../../src/results/scenario-result.js';
import type { FaultResult } from '../../src/results/fault-result.js';
import { SCENARIO_METRICS } from '../../src/scenarios/metrics.js';
import { scenarioMeasurements } from '../../src/load/to-result.js';

// The three verdicts, decided from items as the run hands them over: what the platform failed is NOT MET
// (NO-GO), what the tool could not vouch for is INCONCLUSIVE, and nothing that measured nothing passes.

const catalog = new MetricCatalog([
  {
    kind: 'scenario',
    aliases: [],
    metrics: SCENARIO_METRICS,
    members: new Map([
      ['md-feed', {}],
      ['orders', {}],
      ['quotes', {}],
    ]),
    category: 'Load',
  },
  {
    kind: 'fault',
    aliases: [],
    metrics: FAULT_METRICS,
    members: new Map([
      ['bus-cut', {}],
      ['restart', {}],
    ]),
    category: 'Fault tolerance',
  },
]);

function compile(expect: string, severity: 'critical' | 'warning' = 'critical'): Criterion {
  const c = compileCriterion({ expect, severity }, catalog);
  if (typeof c === 'string') throw new Error(c);
  return c;
}

const load = (name: string, p99: number, o: { invalid?: string; overBudget?: string } = {}): MeasuredItem => ({
  family: 'scenario',
  kind: 'scenario',
  name,
  status: o.overBudget ? 'fail' : o.invalid ? 'inconclusive' : 'pass',
  required: true,
  measurements: [
    { metric: 'p99_ms', value: p99, unit: 'ms' },
    { metric: 'invalid', value: o.invalid ? 1 : 0, unit: 'count' },
    { metric: 'over_error_budget', value: o.overBudget ? 1 : 0, unit: 'count' },
  ],
  ...(o.invalid && { inconclusive: `INVALID: ${o.invalid}` }),
  ...(o.overBudget && { qualified: o.overBudget }),
});

const fault = (name: string, o: { noEffect?: boolean; recovered?: boolean }): MeasuredItem => ({
  family: 'fault',
  kind: 'fault',
  name,
  required: true,
  status: o.noEffect ? 'inconclusive' : o.recovered === false ? 'fail' : 'pass',
  measurements: o.noEffect
    ? [{ metric: 'took_effect', value: 0, unit: 'count' }]
    : [
        { metric: 'took_effect', value: 1, unit: 'count' },
        { metric: 'passed', value: o.recovered === false ? 0 : 1, unit: 'count' },
        { metric: 'recovery_ms', value: 800, unit: 'ms' },
      ],
  ...(o.noEffect && { inconclusive: 'the fault did not take effect: CLIENT KILL disconnected 0 clients' }),
});

const LAG = 'the load generator sent requests 64.9 ms late (p99); this machine was busy';

describe('the judge: GO, NO-GO or INCONCLUSIVE', () => {
  it('a latency bound met by a result its generator could not vouch for is INCONCLUSIVE, not MET: less load than asked proves nothing', () => {
    const [r] = evaluateCriteria([compile('scenario.md-feed.p99_ms < 50ms')], [load('md-feed', 12, { invalid: LAG })]);
    expect(r).toMatchObject({ outcome: 'INCONCLUSIVE', status: 'inconclusive', actual: 12 });
    expect(r.reason).toContain('64.9 ms late');
    expect(decideVerdict([r])).toBe('INCONCLUSIVE');
  });

  it('the same bound not met is INCONCLUSIVE too: the generator, not the platform, may have made it slow', () => {
    const [r] = evaluateCriteria([compile('scenario.md-feed.p99_ms < 50ms')], [load('md-feed', 114, { invalid: LAG })]);
    expect(r.outcome).toBe('INCONCLUSIVE');
  });

  it("errors over the budget are the platform's whatever the generator did: NOT MET, NO-GO", () => {
    const item = load('orders', 3, { invalid: LAG, overBudget: '50% of 2,000 requests failed (HTTP 500 x1,000)' });
    const rs = evaluateCriteria([compile('scenario.orders.p99_ms < 50ms'), compile('scenario.over_error_budget == 0')], [item]);
    expect(rs.map((r) => r.outcome)).toEqual(['NOT MET', 'NOT MET']);
    expect(decideVerdict(rs)).toBe('NO-GO');
  });

  it('"Load results valid" not met is the tool\'s doubt (INCONCLUSIVE); a real failure elsewhere still makes NO-GO', () => {
    const items = [load('md-feed', 12, { invalid: LAG }), load('quotes', 140)];
    const rs = evaluateCriteria([compile('scenario.invalid == 0'), compile('scenario.quotes.p99_ms < 100ms')], items);
    expect(rs[0]).toMatchObject({ outcome: 'INCONCLUSIVE', status: 'inconclusive' });
    expect(rs[1]).toMatchObject({ outcome: 'NOT MET', status: 'fail' });
    expect(decideVerdict(rs)).toBe('NO-GO');
    expect(decideVerdict([rs[0]])).toBe('INCONCLUSIVE');
  });

  it('a worst-of bound over results: a measured result past it is NOT MET however many others are in doubt', () => {
    const items = [load('md-feed', 12, { invalid: LAG }), load('quotes', 140), load('orders', 9)];
    expect(evaluateCriteria([compile('scenario.p99_ms < 100ms')], items)[0].outcome).toBe('INCONCLUSIVE');
    // Without a p99 (nothing sent) the doubtful one is left out of the maximum, and the measured 140 ms decides.
    const unmeasured: MeasuredItem = { ...items[0], measurements: [] };
    const [r] = evaluateCriteria([compile('scenario.p99_ms < 100ms')], [unmeasured, items[1], items[2]]);
    expect(r).toMatchObject({ outcome: 'NOT MET', actual: 140 });
    // ...but a met maximum over only some of them cannot stand for all of them.
    expect(evaluateCriteria([compile('scenario.p99_ms < 200ms')], [unmeasured, items[1], items[2]])[0].outcome).toBe('INCONCLUSIVE');
  });

  it('a fault that did not take effect makes "Fault experiments pass" INCONCLUSIVE, never MET; one that did not recover makes it NOT MET', () => {
    const c = compile('fault.passed == 1');
    const none = evaluateCriteria([c], [fault('bus-cut', { noEffect: true })])[0];
    expect(none).toMatchObject({ outcome: 'INCONCLUSIVE', status: 'inconclusive', actual: null });
    expect(none.reason).toContain('did not take effect');
    const both = evaluateCriteria([c], [fault('bus-cut', { noEffect: true }), fault('restart', { recovered: false })])[0];
    expect(both).toMatchObject({ outcome: 'NOT MET', status: 'fail', actual: 0 });
    const fine = evaluateCriteria([c], [fault('bus-cut', { noEffect: true }), fault('restart', { recovered: true })])[0];
    expect(fine.outcome).toBe('INCONCLUSIVE');
    expect(evaluateCriteria([compile('fault.bus-cut.recovery_ms < 1s')], [fault('bus-cut', { noEffect: true })])[0].outcome).toBe(
      'INCONCLUSIVE',
    );
    expect(evaluateCriteria([compile('fault.took_effect == 1')], [fault('bus-cut', { noEffect: true })])[0].outcome).toBe('INCONCLUSIVE');
  });

  it('an error bar decides only outside it: NOT MET past the bound without it, MET within the bound with it, INCONCLUSIVE between, naming the margin and the machine', () => {
    const withMargin = (p99: number, margin: number, busyMachine?: string): MeasuredItem => {
      const item = load('orders', p99);
      item.measurements[0] = { ...item.measurements[0], margin };
      return { ...item, ...(busyMachine && { busyMachine }) };
    };
    const judgeOne = (item: MeasuredItem) => evaluateCriteria([compile('scenario.orders.p99_ms < 5ms')], [item])[0];
    // 6.0 ± 2.1: without the share it could be 3.9 (met), with it 8.1 (not): the number cannot tell.
    const between = judgeOne(withMargin(6.0, 2.1, 'load 4.8 on 2 cores, CPU pressure 97%'));
    expect(between).toMatchObject({ outcome: 'INCONCLUSIVE', status: 'inconclusive', actual: 6.0, margin: 2.1 });
    expect(between.reason).toBe(
      "p99 6 ms ± 2.1 ms of the load generator's own delay and this busy machine's (this machine: load 4.8 on 2 cores, CPU pressure 97%); needed under 5ms: the number cannot tell",
    );
    expect(decideVerdict([between])).toBe('INCONCLUSIVE');
    // Twice the bound: fails even without the generator's share.
    expect(judgeOne(withMargin(12, 4))).toMatchObject({ outcome: 'NOT MET', status: 'fail' });
    // Well inside: passes with the share added.
    expect(judgeOne(withMargin(1.2, 2.1))).toMatchObject({ status: 'pass' });
    // Throughput the other way round: a floor, with its own error bar.
    const rps = (value: number, margin: number): MeasuredItem => ({
      ...load('orders', 1),
      measurements: [{ metric: 'rps', value, unit: 'per_second', margin }],
    });
    const floor = (item: MeasuredItem) => evaluateCriteria([compile('scenario.orders.rps >= 1000/s')], [item])[0];
    expect(floor(rps(950, 100)).outcome).toBe('INCONCLUSIVE');
    expect(floor(rps(700, 100)).outcome).toBe('NOT MET');
    expect(floor(rps(1200, 100))).toMatchObject({ outcome: 'MET', grade: 'A' });
  });

  it('a warning the tool could not judge is reported but decides nothing', () => {
    const [r] = evaluateCriteria([compile('scenario.md-feed.p99_ms < 50ms', 'warning')], [load('md-feed', 12, { invalid: LAG })]);
    expect(r).toMatchObject({ outcome: 'INCONCLUSIVE', status: 'warn' });
    expect(decideVerdict([r])).toBe('GO');
  });

  it('an interrupted run is never GO: INCONCLUSIVE, unless something was already measured failing (NO-GO)', () => {
    const met = evaluateCriteria([compile('scenario.quotes.p99_ms < 100ms')], [load('quotes', 40)]);
    const notMet = evaluateCriteria([compile('scenario.quotes.p99_ms < 100ms')], [load('quotes', 140)]);
    const notRun = evaluateCriteria([compile('scenario.orders.p99_ms < 100ms')], [load('quotes', 40)]);
    expect(decideVerdict(met, true)).toBe('INCONCLUSIVE');
    expect(decideVerdict(notRun, true)).toBe('INCONCLUSIVE');
    expect(decideVerdict(notMet, true)).toBe('NO-GO');
    // Nothing the platform did: what was not measured cannot block, and cannot pass either.
    expect(decideVerdict(notRun, false)).toBe('INCONCLUSIVE');
  });

  it('results become items as they are: an INVALID result within budget doubts, over budget fails; a fault without effect doubts', () => {
    const base = {
      name: 'md-feed',
      kind: 'rate',
      scenario: 'md-feed',
      target: 't',
      model: 'open',
      connections: 1,
      errors: 0,
      successRequired: 99.9,
      rps: 1,
      durationMs: 1,
      measurements: [],
    };
    const invalid = {
      ...base,
      status: 'inconclusive',
      validity: 'INVALID',
      invalidReason: LAG,
      requests: 100,
      successRate: 100,
    } as unknown as ScenarioResult;
    expect(scenarioItem(invalid)).toMatchObject({ inconclusive: `INVALID: ${LAG}` });
    expect(scenarioItem(invalid).qualified).toBeUndefined();
    const failing = { ...invalid, successRate: 50, errorCauses: { 'HTTP 500': 50 } } as ScenarioResult;
    expect(scenarioItem(failing).qualified).toContain('50.0% of 100 requests failed');
    const noEffect = {
      name: 'bus-cut',
      type: 'redis-client-kill',
      status: 'inconclusive',
      inconclusive: 'did not take effect',
      measurements: [],
    } as unknown as FaultResult;
    expect(faultItem(noEffect)).toMatchObject({ inconclusive: 'did not take effect', status: 'inconclusive' });
    const judged = judgeRun([compile('fault.passed == 1')], { probes: [], scenarios: [], faults: [noEffect] });
    expect(judged.verdict).toBe('INCONCLUSIVE');
  });

  it('each criterion on a result that is both INVALID and over its error budget names its own cause: the validity one the schedule, the budget one the errors', () => {
    const r = {
      name: 'md-feed',
      validity: 'INVALID',
      invalidReason: LAG,
      requests: 100,
      errors: 50,
      successRate: 50,
      successRequired: 99.9,
      errorCauses: { 'HTTP 500': 50 },
      model: 'open',
      generator: {},
      latencyMs: { min: 1, mean: 2, p50: 2, p90: 3, p99: 4, p999: 5, max: 6 },
    } as unknown as ScenarioResult;
    const item = { ...scenarioItem(r), measurements: scenarioMeasurements(r, true) };
    const [validity, budget] = evaluateCriteria([compile('scenario.invalid == 0'), compile('scenario.over_error_budget == 0')], [item]);
    expect(validity.reason).toContain(`not met by: md-feed (${LAG})`);
    expect(budget.reason).toContain('not met by: md-feed (50.0% of 100 requests failed (HTTP 500 x50)');
  });
});
