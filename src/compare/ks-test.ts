import type { Histogram } from '../results/histogram.js';

/** Share of recorded values at or below x, by binary search over the percentile function. */
function cdfAt(h: Histogram, x: number): number {
  if (h.getValueAtPercentile(100) <= x) return 1;
  if (h.getValueAtPercentile(0) > x) return 0;
  let lo = 0;
  let hi = 100;
  for (let i = 0; i < 30; i++) {
    const mid = (lo + hi) / 2;
    if (h.getValueAtPercentile(mid) <= x) lo = mid;
    else hi = mid;
  }
  return lo / 100;
}

const GRID = [...Array.from({ length: 199 }, (_, i) => (i + 1) / 2), 99.9, 99.99];

/**
 * The Kolmogorov–Smirnov distance between two latency histograms: the largest gap between their
 * cumulative distributions (0 = the same shape, 1 = no overlap). Descriptive only: between runs of a
 * busy machine the distributions really do move, so a significance test on thousands of correlated
 * samples calls identical reruns different; whether p99 changed is decided by its confidence intervals.
 */
export function ksDistance(a: Histogram, b: Histogram): number {
  let d = 0;
  // Both distributions at the same x: with many equal values (a histogram's buckets), a's share at or
  // below its own p-th value is more than p, so it is read, not assumed; identical inputs give exactly 0.
  for (const p of GRID) {
    for (const x of [a.getValueAtPercentile(p), b.getValueAtPercentile(p)]) d = Math.max(d, Math.abs(cdfAt(a, x) - cdfAt(b, x)));
  }
  return d;
}
