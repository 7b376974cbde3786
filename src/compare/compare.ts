import { decodeHistogram } from '../results/histogram.js';
import type { Report } from '../reports/model.js';
import { ksDistance } from './ks-test.js';
import { intervalsApart, quantileInterval, type QuantileInterval } from './quantile-interval.js';

export interface Bounds {
  /** Percent p99 may grow before it is a regression. */
  maxP99Increase: number;
  /** And milliseconds: a p99 from 0.6 to 1.5 ms is +150% and no regression anyone would act on. */
  minP99IncreaseMs: number;
  /** Percent rps may fall before it is a regression. */
  maxRpsDecrease: number;
}

export interface Change {
  what: 'verdict' | 'probe' | 'criterion' | 'scenario' | 'fault';
  name: string;
  before: string;
  after: string;
  regression: boolean;
}

export interface ScenarioDelta {
  name: string;
  p50: [number, number];
  p99: [number, number];
  rps: [number, number];
  p99ChangePct: number;
  rpsChangePct: number;
  /** When both runs carry histograms: each p99's 99% confidence interval, and whether they are apart. */
  p99Intervals?: [QuantileInterval, QuantileInterval];
  p99Differs?: boolean;
  /** How far the whole distribution moved (KS distance, 0..1); descriptive. */
  shapeDistance?: number;
  regression: boolean;
  why: string[];
  /** Not compared: the generator could not vouch for one side's numbers (INVALID). */
  notCompared?: string;
}

export interface Comparison {
  baseline: { startedAt: string; verdict: string };
  current: { startedAt: string; verdict: string };
  bounds: Bounds;
  changes: Change[];
  scenarios: ScenarioDelta[];
  regressed: boolean;
  /** Nothing regressed, but the current run could not vouch for all it measured: no answer either way. */
  inconclusive: boolean;
}

const pct = (before: number, after: number) => (before === 0 ? (after === 0 ? 0 : Infinity) : ((after - before) / before) * 100);

/** What changed from a baseline run to the current one, and whether it is a regression beyond the bounds. */
export function compareReports(base: Report, cur: Report, bounds: Bounds): Comparison {
  const changes: Change[] = [];
  if (base.verdict !== cur.verdict)
    changes.push({ what: 'verdict', name: 'verdict', before: base.verdict, after: cur.verdict, regression: cur.verdict === 'NO-GO' });
  // What is new in the current run counts as much as what changed: a new criterion or fault that fails is a regression.
  const statusChanges = <T extends { name: string; status: string }>(what: Change['what'], a: T[], b: T[]) => {
    for (const x of b) {
      const was = a.find((y) => y.name === x.name);
      if (!was) changes.push({ what, name: x.name, before: 'absent', after: x.status, regression: x.status === 'fail' });
      else if (was.status !== x.status)
        changes.push({ what, name: x.name, before: was.status, after: x.status, regression: was.status !== 'fail' && x.status === 'fail' });
    }
    for (const y of a)
      if (!b.some((x) => x.name === y.name)) changes.push({ what, name: y.name, before: y.status, after: 'absent', regression: false });
  };
  statusChanges('probe', base.probes, cur.probes);
  statusChanges('criterion', base.criteria, cur.criteria);
  statusChanges('fault', base.faults ?? [], cur.faults ?? []);

  const scenarios: ScenarioDelta[] = [];
  for (const s of cur.scenarios ?? []) {
    const b = (base.scenarios ?? []).find((x) => x.name === s.name);
    if (!b) continue;
    const invalid = [b, s].find((x) => x.validity === 'INVALID');
    if (invalid) {
      const side = invalid === s ? 'current' : 'baseline';
      scenarios.push({
        name: s.name,
        p50: [b.latencyMs.p50, s.latencyMs.p50],
        p99: [b.latencyMs.p99, s.latencyMs.p99],
        rps: [b.rps, s.rps],
        p99ChangePct: pct(b.latencyMs.p99, s.latencyMs.p99),
        rpsChangePct: pct(b.rps, s.rps),
        regression: false,
        why: [],
        notCompared: `the ${side} run's generator could not vouch for it (INVALID: ${invalid.invalidReason})`,
      });
      continue;
    }
    const p99ChangePct = pct(b.latencyMs.p99, s.latencyMs.p99);
    const rpsChangePct = pct(b.rps, s.rps);
    const hb = b.histograms?.latency ? decodeHistogram(b.histograms.latency) : undefined;
    const hs = s.histograms?.latency ? decodeHistogram(s.histograms.latency) : undefined;
    const ib = hb && quantileInterval(hb, 99);
    const is = hs && quantileInterval(hs, 99);
    const p99Differs = ib && is ? intervalsApart(ib, is) : undefined;
    const why: string[] = [];
    // A p99 regression must be beyond the bound, beyond the floor, and beyond what sampling explains.
    const p99Up = s.latencyMs.p99 - b.latencyMs.p99;
    if (p99ChangePct > bounds.maxP99Increase && p99Up > bounds.minP99IncreaseMs && p99Differs !== false) {
      why.push(
        `p99 up ${p99ChangePct.toFixed(1)}% (+${p99Up.toFixed(2)} ms; bounds ${bounds.maxP99Increase}% and ${bounds.minP99IncreaseMs} ms)`,
      );
    }
    if (-rpsChangePct > bounds.maxRpsDecrease) why.push(`rps down ${(-rpsChangePct).toFixed(1)}% (bound ${bounds.maxRpsDecrease}%)`);
    scenarios.push({
      name: s.name,
      p50: [b.latencyMs.p50, s.latencyMs.p50],
      p99: [b.latencyMs.p99, s.latencyMs.p99],
      rps: [b.rps, s.rps],
      p99ChangePct,
      rpsChangePct,
      p99Intervals: ib && is ? [ib, is] : undefined,
      p99Differs,
      shapeDistance: hb && hs ? ksDistance(hb, hs) : undefined,
      regression: why.length > 0,
      why,
    });
  }
  return {
    baseline: { startedAt: base.startedAt, verdict: base.verdict },
    current: { startedAt: cur.startedAt, verdict: cur.verdict },
    bounds,
    changes,
    scenarios,
    regressed: changes.some((c) => c.regression) || scenarios.some((s) => s.regression),
    inconclusive: cur.verdict === 'INCONCLUSIVE' || scenarios.some((s) => s.notCompared !== undefined),
  };
}
