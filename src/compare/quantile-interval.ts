import type { Histogram } from '../results/histogram.js';

/**
 * Latencies within one run are not independent (a GC pause, a busy core, a slow disk hold several in a
 * row), so a run holds less information than its sample count says. The interval is widened as if it
 * had a quarter of its samples: identical reruns on a busy 2-core machine then never look different
 * (90 ordered pairs of 10 reruns, `npm run bench:compare`), while a real 10% shift still does.
 */
export const DESIGN_EFFECT = 4;

/** 99% two-sided. */
const Z = 2.576;

export interface QuantileInterval {
  /** The quantile itself, ms. */
  value: number;
  low: number;
  high: number;
}

/**
 * A distribution-free confidence interval for a quantile, from order statistics: the ranks n·q ± z·√(n·q·(1−q))
 * read off the run's own histogram. Two runs' p99s differ only when their intervals do not overlap.
 */
export function quantileInterval(h: Histogram, percentile: number): QuantileInterval | undefined {
  const n = h.totalCount / DESIGN_EFFECT;
  if (n < 1) return undefined;
  const q = percentile / 100;
  const half = Z * Math.sqrt(n * q * (1 - q));
  const at = (p: number) => h.getValueAtPercentile(Math.min(100, Math.max(0, p))) / 1000;
  return { value: at(percentile), low: at(((n * q - half) / n) * 100), high: at(((n * q + half) / n) * 100) };
}

export function intervalsApart(a: QuantileInterval, b: QuantileInterval): boolean {
  return b.low > a.high || a.low > b.high;
}
