/**
 * Change points in a series of runs (a p99 night after night): E-divisive means (Matteson & James, 2014),
 * the method MongoDB and DataStax's "Hunter" use on their performance histories. The split that most
 * separates the two sides (by the energy distance of their values, so a shift in level shows whatever the
 * noise's shape) is kept when a permutation test says chance rarely separates the values that well; then
 * each side is searched again. Deterministic: the permutations come from a seeded generator.
 */
export interface ChangePoint {
  /** The first run of the new level. */
  index: number;
  meanBefore: number;
  meanAfter: number;
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
  /** How far each change point must stand from its neighbouring segments, in standard errors (Welch). */
  minSeparation?: number;
}

const DEFAULTS = { permutations: 199, alpha: 0.15, minSize: 3, minShiftPct: 2, seed: 1, minSeparation: 2 };

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

/** The best split of xs and its statistic Q = (m n / (m + n)) (2 E|X-Y| - E|X-X'| - E|Y-Y'|), via 2-D prefix sums. */
function bestSplit(xs: number[], minSize: number): { tau: number; q: number } {
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

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export function changePoints(series: number[], options: ChangePointOptions = {}): ChangePoint[] {
  const o = { ...DEFAULTS, ...options };
  const rng = random(o.seed);
  const found: ChangePoint[] = [];
  const search = (from: number, to: number) => {
    const xs = series.slice(from, to);
    if (xs.length < 2 * o.minSize) return;
    const split = bestSplit(xs, o.minSize);
    if (split.tau < 0) return;
    let asGood = 0;
    const shuffled = xs.slice();
    for (let p = 0; p < o.permutations; p++) {
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
      }
      if (bestSplit(shuffled, o.minSize).q >= split.q) asGood++;
    }
    const pValue = (asGood + 1) / (o.permutations + 1);
    if (pValue > o.alpha) return;
    const before = mean(xs.slice(0, split.tau));
    const after = mean(xs.slice(split.tau));
    const shiftPct = before === 0 ? 0 : ((after - before) / Math.abs(before)) * 100;
    if (Math.abs(shiftPct) >= o.minShiftPct)
      found.push({ index: from + split.tau, meanBefore: before, meanAfter: after, shiftPct, p: pValue });
    search(from, from + split.tau);
    search(from + split.tau, to);
  };
  search(0, series.length);
  return confirmed(
    series,
    found.sort((a, b) => a.index - b.index),
    o.minShiftPct,
    o.minSeparation,
  );
}

/** Welch's statistic of two samples: the difference of their means in standard errors. */
function separation(a: number[], b: number[]): number {
  const variance = (xs: number[], m: number) => xs.reduce((s, x) => s + (x - m) ** 2, 0) / Math.max(1, xs.length - 1);
  const [ma, mb] = [mean(a), mean(b)];
  const se = Math.sqrt(variance(a, ma) / a.length + variance(b, mb) / b.length);
  return se === 0 ? (ma === mb ? 0 : Infinity) : Math.abs(mb - ma) / se;
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
      const shiftPct = ((mean(after) - mean(before)) / Math.abs(mean(before) || 1)) * 100;
      return { c: { ...c, meanBefore: mean(before), meanAfter: mean(after), shiftPct }, s: separation(before, after) };
    });
    const weakest = scored.reduce<(typeof scored)[number] | undefined>(
      (w, x) => ((x.s < minSeparation || Math.abs(x.c.shiftPct) < minShiftPct) && (!w || x.s < w.s) ? x : w),
      undefined,
    );
    if (!weakest) return scored.map((x) => x.c);
    kept = kept.filter((c) => c.index !== weakest.c.index);
  }
}
