import { median, robustDeviation } from '../util/median.js';

/**
 * Change points in a series of runs (a p99 night after night): E-divisive (Matteson & James, 2014), the
 * method MongoDB and DataStax's "Hunter" use on their performance histories, made robust to the odd
 * terrible night as E-Divisive with Medians is (James, Kejariwal & Matteson, 2014; Twitter's
 * BreakoutDetection): the split that most separates the two sides is found on the ranks of the values, so
 * one night three times slower weighs what any slowest night does; it is kept when a permutation test says
 * chance rarely separates the ranks that well; then each side is searched again. Each change point is then
 * confirmed against its neighbouring segments by a rank test (Mann-Whitney), and its size is the shift of
 * the medians. Deterministic: the permutations come from a seeded generator.
 */
export interface ChangePoint {
  /** The first run of the new level. */
  index: number;
  /** The level before and after: the medians of the segments either side (an outlier night moves neither). */
  levelBefore: number;
  levelAfter: number;
  /** (after - before) / before, in %: +12 is 12% higher from this run on. */
  shiftPct: number;
  /** The permutation test's p-value. */
  p: number;
}

export interface ChangePointOptions {
  /** Permutations per test; the smallest p-value it can give is 1 / (permutations + 1). */
  permutations?: number;
  /** Significance: a split is kept when p is at or below this. */
  alpha?: number;
  /** Runs each side needs at least. */
  minSize?: number;
  /** Shifts smaller than this (%) are noise a team would not act on, whatever the test says. */
  minShiftPct?: number;
  seed?: number;
  /** How far each change point must stand from its neighbouring segments: the Mann-Whitney statistic, in standard deviations. */
  minSeparation?: number;
  /** The most recent runs the tail test looks for a new level in, and its significance. */
  tailRuns?: number;
  tailAlpha?: number;
}

const DEFAULTS = { permutations: 199, alpha: 0.15, minSize: 3, minShiftPct: 2, seed: 1, minSeparation: 2, tailRuns: 5, tailAlpha: 0.1 };

/** mulberry32: a small seeded generator, so the same history always gives the same change points. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The search's split: E-divisive's energy statistic, on ranks. Its weight (m n / (m + n)) favours splits with
 * both sides long, which keeps a short run of noise at either end of a segment from reading as a level.
 * The best split of xs and its statistic Q = (m n / (m + n)) (2 E|X-Y| - E|X-X'| - E|Y-Y'|), via 2-D prefix sums. */
function energySplit(xs: number[], minSize: number): { tau: number; q: number } {
  const n = xs.length;
  // P[i][j]: sum of |x_a - x_b| for a < i, b < j.
  const P = Array.from({ length: n + 1 }, () => new Float64Array(n + 1));
  for (let i = 1; i <= n; i++)
    for (let j = 1; j <= n; j++) P[i][j] = Math.abs(xs[i - 1] - xs[j - 1]) + P[i - 1][j] + P[i][j - 1] - P[i - 1][j - 1];
  const block = (r0: number, r1: number, c0: number, c1: number) => P[r1][c1] - P[r0][c1] - P[r1][c0] + P[r0][c0];
  let best = { tau: -1, q: -Infinity };
  for (let tau = minSize; tau <= n - minSize; tau++) {
    const m = tau;
    const k = n - tau;
    const between = block(0, tau, tau, n) / (m * k);
    const withinL = m > 1 ? block(0, tau, 0, tau) / (m * (m - 1)) : 0;
    const withinR = k > 1 ? block(tau, n, tau, n) / (k * (k - 1)) : 0;
    const q = ((m * k) / n) * (2 * between - withinL - withinR);
    if (q > best.q) best = { tau, q };
  }
  return best;
}

/**
 * The tail test's split of the ranks rs (1..n) and its statistic: Mann-Whitney's U of the two sides, in standard
 * deviations from what chance gives, at every split. Standardized, a split near either end weighs what
 * one in the middle does, so a shift in the last few runs is seen as soon as it is real (energy distance
 * favours balanced splits, and saw a recent shift late); on ranks, an outlier night is one high rank.
 */
function tailSplit(rs: number[], minSize: number, firstTau = minSize): { tau: number; q: number } {
  const n = rs.length;
  let best = { tau: -1, q: -Infinity };
  let left = 0;
  const total = (n * (n + 1)) / 2;
  for (let tau = 1; tau <= n - minSize; tau++) {
    left += rs[tau - 1];
    if (tau < Math.max(minSize, firstTau)) continue;
    const k = n - tau;
    const u = total - left - (k * (k + 1)) / 2;
    const q = Math.abs(u - (tau * k) / 2) / Math.sqrt((tau * k * (n + 1)) / 12);
    if (q > best.q) best = { tau, q };
  }
  return best;
}

/** Each value's rank within xs (1 for the smallest; ties share their mean rank). */
function ranks(xs: number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) out[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

/** How far from the runs around it a run must be, in robust standard deviations (1.4826 MAD), to be an outlier night. */
const OUTLIER_SPREADS = 5;
/** The runs either side that make a run's neighbourhood. */
const NEIGHBOURHOOD = 7;
/**
 * And at least this share of their level: in a very steady series (a delay server's p50, steady to a tenth
 * of a millisecond) five spreads are a fraction of a millisecond, and a night 1% off is no outlier to anyone
 * reading the chart. A CI run marked 40.48 ms among nights of 40.0 one.
 */
const OUTLIER_MIN_SHARE = 0.1;

/**
 * The outlier nights of a series: runs far from the level of the runs around them (a noisy neighbour, a GC
 * storm, a cold cache on the first night) whose own neighbours are not. An isolated night is set aside; two
 * in a row, or the last run (its next night has not come), may be a new level and stay. So does a night
 * that a kept night around it out-does on the same side: setting aside the milder of two slow nights and
 * keeping the worse would tell a reader the series is steadier than it is.
 */
export function outlierNights(series: number[]): number[] {
  let set = series.map((_, i) => i).filter((i) => isolatedFar(series, i));
  // A night no longer set aside may out-do another candidate: repeat until none changes (the set only shrinks).
  for (let before = -1; before !== set.length;) {
    before = set.length;
    const aside = new Set(set);
    set = set.filter((i) => !outdone(series, i, aside));
  }
  return set;
}

/** A kept night around run `i` lies as far from their level as it does, on the same side. */
function outdone(series: number[], i: number, aside: Set<number>): boolean {
  const { level, near } = neighbourhood(series, i);
  const side = Math.sign(series[i] - level);
  const reach = Math.abs(series[i] - level);
  return near.some((j) => !aside.has(j) && Math.sign(series[j] - level) === side && Math.abs(series[j] - level) >= reach);
}

/** The runs either side of run `i` (by index) and their level, the median. */
function neighbourhood(series: number[], i: number): { near: number[]; level: number } {
  const near: number[] = [];
  for (let j = Math.max(0, i - NEIGHBOURHOOD); j <= Math.min(series.length - 1, i + NEIGHBOURHOOD); j++) if (j !== i) near.push(j);
  return { near, level: median(near.map((j) => series[j])) };
}

/** Run `i` is far from its neighbourhood's level, and the runs next to it are not (the last run never is). */
function isolatedFar(series: number[], i: number): boolean {
  if (series.length < 3 || i === series.length - 1) return false;
  const { near, level } = neighbourhood(series, i);
  const around = near.map((j) => series[j]);
  const spread = robustDeviation(around) || Math.abs(level) * 1e-3;
  const far = (x: number) => Math.abs(x - level) > Math.max(OUTLIER_SPREADS * spread, OUTLIER_MIN_SHARE * Math.abs(level));
  return far(series[i]) && (i === 0 || !far(series[i - 1])) && !far(series[i + 1]);
}

/** The change points of a series, its outlier nights set aside first (their indices are the series' own). */
export function changePoints(series: number[], options: ChangePointOptions = {}): ChangePoint[] {
  const outliers = new Set(outlierNights(series));
  const kept = series.map((_, i) => i).filter((i) => !outliers.has(i));
  return levelChanges(
    kept.map((i) => series[i]),
    options,
  ).map((c) => ({ ...c, index: kept[c.index] }));
}

type Splitter = (ranks: number[]) => { tau: number; q: number };

function levelChanges(series: number[], options: ChangePointOptions): ChangePoint[] {
  const o = { ...DEFAULTS, ...options };
  const rng = random(o.seed);
  const found: ChangePoint[] = [];
  /** The split of series[from, to) the statistic finds, kept when chance (shuffles of its ranks) rarely finds one as strong. */
  const test = (from: number, to: number, split: Splitter, alpha: number): ChangePoint | undefined => {
    if (to - from < 2 * o.minSize) return undefined;
    const xs = ranks(series.slice(from, to));
    const best = split(xs);
    if (best.tau < 0) return undefined;
    let asGood = 0;
    const shuffled = xs.slice();
    for (let p = 0; p < o.permutations; p++) {
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
      }
      if (split(shuffled).q >= best.q) asGood++;
    }
    const pValue = (asGood + 1) / (o.permutations + 1);
    if (pValue > alpha) return undefined;
    const before = median(series.slice(from, from + best.tau));
    const after = median(series.slice(from + best.tau, to));
    const shiftPct = before === 0 ? 0 : ((after - before) / Math.abs(before)) * 100;
    return { index: from + best.tau, levelBefore: before, levelAfter: after, shiftPct, p: pValue };
  };
  const search = (from: number, to: number) => {
    const c = test(from, to, (rs) => energySplit(rs, o.minSize), o.alpha);
    if (!c) return;
    if (Math.abs(c.shiftPct) >= o.minShiftPct) found.push(c);
    search(from, c.index);
    search(c.index, to);
  };
  search(0, series.length);
  // The question a nightly job asks: have the last few runs left the level of the ones since the last
  // change? Asked of the tail alone, it pays for far fewer splits than the search above, and sees a real
  // shift within a few runs of it.
  const last = found.reduce((a, c) => Math.max(a, c.index), 0);
  const firstTau = Math.max(o.minSize, series.length - last - o.tailRuns);
  const tail = test(last, series.length, (rs) => tailSplit(rs, o.minSize, firstTau), o.tailAlpha);
  if (tail && Math.abs(tail.shiftPct) >= o.minShiftPct && !found.some((c) => c.index === tail.index)) found.push(tail);
  return confirmed(
    series,
    located(
      series,
      found.sort((a, b) => a.index - b.index),
    ),
    o.minShiftPct,
    o.minSeparation,
  );
}

/** How far either side of where the ranks put a change point its run is looked for by the values. */
const LOCATE_RUNS = 2;

/**
 * Ranks tell that the level changed better than exactly where: a step's first run is where the two sides,
 * each about its own median, lie closest (least absolute deviation, which an outlier night cannot pull).
 */
function located(series: number[], cps: ChangePoint[]): ChangePoint[] {
  const out: ChangePoint[] = [];
  cps.forEach((c, i) => {
    const from = out.length ? out[out.length - 1].index : 0;
    const to = i + 1 < cps.length ? cps[i + 1].index : series.length;
    const cost = (xs: number[]) => {
      const m = median(xs);
      return xs.reduce((s, x) => s + Math.abs(x - m), 0);
    };
    let best = c.index;
    let bestCost = Infinity;
    for (let t = Math.max(from + 1, c.index - LOCATE_RUNS); t <= Math.min(to - 1, c.index + LOCATE_RUNS); t++) {
      const total = cost(series.slice(from, t)) + cost(series.slice(t, to));
      if (total < bestCost - 1e-9) [best, bestCost] = [t, total];
    }
    out.push({ ...c, index: best });
  });
  return out;
}

/**
 * How far apart two samples stand, by ranks alone (Mann-Whitney's U, in standard deviations from what
 * chance gives): an outlier night counts as one high rank, never as a spread that hides a real shift.
 */
function separation(a: number[], b: number[]): number {
  const r = ranks([...a, ...b]);
  const na = a.length;
  const nb = b.length;
  const u = r.slice(na).reduce((s, x) => s + x, 0) - (nb * (nb + 1)) / 2;
  const sd = Math.sqrt((na * nb * (na + nb + 1)) / 12);
  return sd === 0 ? 0 : Math.abs(u - (na * nb) / 2) / sd;
}

/**
 * The recursion tests each split within its own segment, where a small stretch of noise can look like a
 * step; each change point is checked again against the segments on either side of it (up to the next
 * change points), the weakest dropped first, until every one stands out from its neighbours.
 */
function confirmed(series: number[], cps: ChangePoint[], minShiftPct: number, minSeparation: number): ChangePoint[] {
  let kept = cps;
  for (;;) {
    const scored = kept.map((c, i) => {
      const from = i > 0 ? kept[i - 1].index : 0;
      const to = i + 1 < kept.length ? kept[i + 1].index : series.length;
      const before = series.slice(from, c.index);
      const after = series.slice(c.index, to);
      const [lb, la] = [median(before), median(after)];
      const shiftPct = ((la - lb) / Math.abs(lb || 1)) * 100;
      return { c: { ...c, levelBefore: lb, levelAfter: la, shiftPct }, s: separation(before, after) };
    });
    const weakest = scored.reduce<(typeof scored)[number] | undefined>(
      (w, x) => ((x.s < minSeparation || Math.abs(x.c.shiftPct) < minShiftPct) && (!w || x.s < w.s) ? x : w),
      undefined,
    );
    if (!weakest) return scored.map((x) => x.c);
    kept = kept.filter((c) => c.index !== weakest.c.index);
  }
}
