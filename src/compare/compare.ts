import { decodeHistogram } from '../load/histogram.js';
import type { Report } from '../reports/model.js';
import { ksTest, type KsResult } from './ks-test.js';

export interface Bounds {
  /** Percent p99 may grow before it is a regression. */
  maxP99Increase: number;
  /** Percent rps may fall before it is a regression. */
  maxRpsDecrease: number;
}

export interface Change {
  what: 'probe' | 'criterion' | 'scenario' | 'fault';
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
  /** When both runs carry histograms: is the latency difference a real change, or noise? */
  ks?: KsResult;
  regression: boolean;
  why: string[];
}

export interface Comparison {
  baseline: { startedAt: string; verdict: string };
  current: { startedAt: string; verdict: string };
  bounds: Bounds;
  changes: Change[];
  scenarios: ScenarioDelta[];
  regressed: boolean;
}

const pct = (before: number, after: number) => (before === 0 ? (after === 0 ? 0 : Infinity) : ((after - before) / before) * 100);

/** What changed from a baseline run to the current one, and whether it is a regression beyond the bounds. */
export function compareReports(base: Report, cur: Report, bounds: Bounds): Comparison {
  const changes: Change[] = [];
  const statusChanges = <T extends { name: string; status: string }>(what: Change['what'], a: T[], b: T[]) => {
    for (const x of b) {
      const was = a.find((y) => y.name === x.name);
      if (was && was.status !== x.status) changes.push({ what, name: x.name, before: was.status, after: x.status, regression: was.status !== 'fail' && x.status === 'fail' });
    }
  };
  statusChanges('probe', base.probes, cur.probes);
  statusChanges('criterion', base.criteria, cur.criteria);
  statusChanges('fault', base.faults ?? [], cur.faults ?? []);

  const scenarios: ScenarioDelta[] = [];
  for (const s of cur.scenarios ?? []) {
    const b = (base.scenarios ?? []).find((x) => x.name === s.name);
    if (!b) continue;
    const p99ChangePct = pct(b.latencyMs.p99, s.latencyMs.p99);
    const rpsChangePct = pct(b.rps, s.rps);
    const why: string[] = [];
    if (p99ChangePct > bounds.maxP99Increase) why.push(`p99 up ${p99ChangePct.toFixed(1)}% (bound ${bounds.maxP99Increase}%)`);
    if (-rpsChangePct > bounds.maxRpsDecrease) why.push(`rps down ${(-rpsChangePct).toFixed(1)}% (bound ${bounds.maxRpsDecrease}%)`);
    const ks = b.histograms?.latency && s.histograms?.latency ? ksTest(decodeHistogram(b.histograms.latency), decodeHistogram(s.histograms.latency)) : undefined;
    scenarios.push({ name: s.name, p50: [b.latencyMs.p50, s.latencyMs.p50], p99: [b.latencyMs.p99, s.latencyMs.p99], rps: [b.rps, s.rps], p99ChangePct, rpsChangePct, ks, regression: why.length > 0, why });
  }
  return {
    baseline: { startedAt: base.startedAt, verdict: base.verdict },
    current: { startedAt: cur.startedAt, verdict: cur.verdict },
    bounds,
    changes,
    scenarios,
    regressed: changes.some((c) => c.regression) || scenarios.some((s) => s.regression),
  };
}
