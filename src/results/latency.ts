/** The latency summary every report shows, in milliseconds. */
export interface LatencySummary {
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** A summary with its distribution: the value at each of a fixed list of percentiles (the generator's delays). */
export type LatencyDistribution = LatencySummary & { quantiles?: number[] };
