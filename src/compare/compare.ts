import { decodeHistogram } from '../results/histogram.js';
import type { Report } from '../reports/model.js';
import { median } from '../util/median.js';
import { levelOf, p99Regression, pct, rpsRegression, type BaselineLevel, type Bounds } from './judge-load.js';
import { ksDistance } from './ks-test.js';
import { intervalsApart, quantileInterval, type QuantileInterval } from './quantile-interval.js';

export type { Bounds } from './judge-load.js';

export interface Change {
  what: 'verdict' | 'probe' | 'criterion' | 'scenario' | 'fault';
  name: string;
  /** Its status in the baseline: one word, or how often each was seen across several baseline runs. */
  before: string;
  after: string;
  regression: boolean;
}

export interface ScenarioDelta {
  name: string;
  /** [baseline, current]; the baseline is the median of its runs when there are several. */
  p50: [number, number];
  p99: [number, number];
  rps: [number, number];
  p99ChangePct: number;
  rpsChangePct: number;
  /** One baseline run, both with histograms: each p99's 99% confidence interval, and whether they are apart. */
  p99Intervals?: [QuantileInterval, QuantileInterval];
  p99Differs?: boolean;
  /** Several baseline runs: their p99's median and spread, the noise a regression must clear. */
  p99Level?: BaselineLevel;
  /** How far the whole distribution moved (KS distance, 0..1); descriptive. */
  shapeDistance?: number;
  regression: boolean;
  why: string[];
  /** Not compared: the generator could not vouch for one side's numbers (INVALID). */
  notCompared?: string;
}

export interface Comparison {
  /** The newest baseline run; with several, how many, since when, and where they were read. */
  baseline: {
    startedAt: string;
    verdict: string;
    runs?: number;
    from?: string;
    place?: string;
    note?: string;
    /** With --baseline history: GO runs left out as outlier nights, each with why. */
    outliers?: { startedAt: string; why: string[] }[];
  };
  current: { startedAt: string; verdict: string };
  bounds: Bounds;
  changes: Change[];
  scenarios: ScenarioDelta[];
  regressed: boolean;
  /** Nothing regressed, but the current run could not vouch for all it measured: no answer either way. */
  inconclusive: boolean;
}

/** One status, or how often each was seen across the baseline runs ("pass 4, warn 1"). */
function seen(statuses: string[]): string {
  const counts = new Map<string, number>();
  for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
  return counts.size === 1 ? statuses[0] : [...counts].map(([s, n]) => `${s} ${n}`).join(', ');
}

/**
 * Status changes, what is new counting as much as what changed: a new criterion or fault that fails is a
 * regression, and so is a fail that no baseline run had. Items only the newest baseline run had are listed.
 */
function statusChanges<T extends { name: string; status: string }>(what: Change['what'], bases: T[][], cur: T[]): Change[] {
  const changes: Change[] = [];
  for (const x of cur) {
    const was = bases.flatMap((b) => b.filter((y) => y.name === x.name).map((y) => y.status));
    if (!was.length) changes.push({ what, name: x.name, before: 'absent', after: x.status, regression: x.status === 'fail' });
    else if (!was.includes(x.status))
      changes.push({ what, name: x.name, before: seen(was), after: x.status, regression: x.status === 'fail' && !was.includes('fail') });
  }
  for (const y of bases.at(-1) ?? [])
    if (!cur.some((x) => x.name === y.name)) changes.push({ what, name: y.name, before: y.status, after: 'absent', regression: false });
  return changes;
}

type LoadResult = Report['scenarios'][number];

/** One load result against the same one in the baseline runs that have it. */
function scenarioDelta(found: LoadResult[], s: LoadResult, bounds: Bounds): ScenarioDelta {
  const valid = found.filter((b) => b.validity !== 'INVALID');
  const of = (xs: LoadResult[], v: (x: LoadResult) => number): number => median(xs.map(v));
  const from = valid.length ? valid : found;
  const p99 = levelOf(from.map((b) => b.latencyMs.p99));
  const rps = levelOf(from.map((b) => b.rps));
  const delta: ScenarioDelta = {
    name: s.name,
    p50: [of(from, (b) => b.latencyMs.p50), s.latencyMs.p50],
    p99: [p99.median, s.latencyMs.p99],
    rps: [rps.median, s.rps],
    p99ChangePct: pct(p99.median, s.latencyMs.p99),
    rpsChangePct: pct(rps.median, s.rps),
    regression: false,
    why: [],
  };
  if (s.validity === 'INVALID' || !valid.length) {
    const invalid = (x: LoadResult) => `(INVALID: ${x.invalidReason})`;
    delta.notCompared =
      s.validity === 'INVALID'
        ? `the current run's generator could not vouch for it ${invalid(s)}`
        : found.length > 1
          ? `none of the ${found.length} baseline runs' generators could vouch for it ${invalid(found[0])}`
          : `the baseline run's generator could not vouch for it ${invalid(found[0])}`;
    return delta;
  }
  if (valid.length === 1) Object.assign(delta, sampling(valid[0], s));
  else delta.p99Level = p99;
  // Against several runs, every percentile is judged: a server slower at its median (2 ms to 8 ms) whose
  // p99 stays within its noise has regressed too. Against one, the p99 alone, whose sampling is read.
  const percentiles =
    valid.length > 1
      ? (['p50', 'p90'] as const).map((q) => p99Regression(levelOf(from.map((b) => b.latencyMs[q])), s.latencyMs[q], bounds, undefined, q))
      : [];
  const why = [...percentiles, p99Regression(p99, s.latencyMs.p99, bounds, delta.p99Differs), rpsRegression(rps, s.rps, bounds)];
  delta.why = why.filter((w): w is string => w !== undefined);
  delta.regression = delta.why.length > 0;
  return delta;
}

/** Against one baseline run: whether the two p99s differ beyond sampling, read from both runs' histograms. */
function sampling(b: LoadResult, s: LoadResult): Partial<ScenarioDelta> {
  const hb = b.histograms?.latency ? decodeHistogram(b.histograms.latency) : undefined;
  const hs = s.histograms?.latency ? decodeHistogram(s.histograms.latency) : undefined;
  const ib = hb && quantileInterval(hb, 99);
  const is = hs && quantileInterval(hs, 99);
  return {
    p99Intervals: ib && is ? [ib, is] : undefined,
    p99Differs: ib && is ? intervalsApart(ib, is) : undefined,
    shapeDistance: hb && hs ? ksDistance(hb, hs) : undefined,
  };
}

/**
 * What changed from the baseline to the current run, and whether it is a regression beyond the bounds. The
 * baseline is one run (a saved report) or several (the last GO runs of a history, oldest first): then each
 * load result is measured against their median, and must also clear the spread between them.
 */
export function compareReports(baseline: Report | Report[], cur: Report, bounds: Bounds): Comparison {
  const bases = Array.isArray(baseline) ? baseline : [baseline];
  const newest = bases[bases.length - 1];
  const verdicts = bases.map((b) => b.verdict);
  const changes: Change[] = verdicts.includes(cur.verdict)
    ? []
    : [{ what: 'verdict', name: 'verdict', before: seen(verdicts), after: cur.verdict, regression: cur.verdict === 'NO-GO' }];
  changes.push(
    ...statusChanges(
      'probe',
      bases.map((b) => b.probes),
      cur.probes,
    ),
    ...statusChanges(
      'criterion',
      bases.map((b) => b.criteria),
      cur.criteria,
    ),
    ...statusChanges(
      'fault',
      bases.map((b) => b.faults ?? []),
      cur.faults ?? [],
    ),
  );
  const scenarios = (cur.scenarios ?? []).flatMap((s) => {
    const found = bases.flatMap((b) => (b.scenarios ?? []).filter((x) => x.name === s.name));
    return found.length ? [scenarioDelta(found, s, bounds)] : [];
  });
  return {
    baseline: {
      startedAt: newest.startedAt,
      verdict: seen(verdicts),
      // Runs read from a history say how many and since when, even one; a saved report is just itself.
      ...(Array.isArray(baseline) && { runs: bases.length, from: bases[0].startedAt }),
    },
    current: { startedAt: cur.startedAt, verdict: cur.verdict },
    bounds,
    changes,
    scenarios,
    regressed: changes.some((c) => c.regression) || scenarios.some((s) => s.regression),
    inconclusive: cur.verdict === 'INCONCLUSIVE' || scenarios.some((s) => s.notCompared !== undefined),
  };
}

/** A history with no run to compare with: no answer either way (INCONCLUSIVE), saying why. */
export function nothingToCompare(cur: Report, bounds: Bounds, place: string, why: string): Comparison {
  return {
    baseline: { startedAt: '', verdict: 'none', runs: 0, place, note: why },
    current: { startedAt: cur.startedAt, verdict: cur.verdict },
    bounds,
    changes: [],
    scenarios: [],
    regressed: false,
    inconclusive: true,
  };
}
