/**
 * A load result over time: per step (a second, or longer for long runs), the requests that finished in
 * it, how many failed, and their median and p99. Columns rather than rows, so a long run stays small.
 */
export interface Timeline {
  /** Width of each point in ms; point i covers [i * stepMs, (i + 1) * stepMs) from the run's start. */
  stepMs: number;
  /** When the run started (Unix time, ms): shards' timelines are aligned by it when merged. */
  startedAt?: number;
  /** Requests that finished in the step (an unanswered one counts when the run gave up on it). */
  requests: number[];
  errors: number[];
  /** null for a step in which nothing finished. */
  p50Ms: (number | null)[];
  p99Ms: (number | null)[];
  /**
   * Steps were merged in pairs to stay within the point budget (a run with no planned duration ran long):
   * merged percentiles are upper bounds (the larger of the two), counts stay exact.
   */
  coarsened?: boolean;
  /** Summed over shards: counts exact, each step's percentiles the largest of the shards' (an upper bound). */
  merged?: boolean;
}
