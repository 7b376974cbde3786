import type { Histogram } from '../load/histogram.js';

export interface KsResult {
  /** The largest distance between the two cumulative distributions (0..1). */
  d: number;
  /** The distance above which the difference is significant at the 1% level, for these sample sizes. */
  critical: number;
  significant: boolean;
}

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
 * Two-sample Kolmogorov–Smirnov test on two latency histograms: is the difference between two runs a
 * change in the distribution, or noise? D is taken over a fine percentile grid of both histograms, so
 * the 3-significant-digit bucketing is the only approximation.
 */
export function ksTest(a: Histogram, b: Histogram): KsResult {
  let d = 0;
  for (const p of GRID) {
    d = Math.max(d, Math.abs(p / 100 - cdfAt(b, a.getValueAtPercentile(p))), Math.abs(p / 100 - cdfAt(a, b.getValueAtPercentile(p))));
  }
  const n = a.totalCount;
  const m = b.totalCount;
  const critical = n && m ? 1.628 * Math.sqrt((n + m) / (n * m)) : Infinity; // c(0.01) = 1.628
  return { d, critical, significant: d > critical };
}
