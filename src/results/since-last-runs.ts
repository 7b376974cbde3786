/**
 * What changed since the last runs kept in a history, as a report written with `--history` says it: what
 * changed status since the run before, and what moved beyond the noise of the runs before that.
 */
export interface SinceLastRuns {
  /** Where the runs were read (credentials left out). */
  place: string;
  /** How many earlier runs it was compared with. */
  runs: number;
  /** When the run before this one started, and its verdict. */
  previous?: { startedAt: string; verdict: string };
  /** Criteria whose outcome is not what it was in the run before. */
  changed: { name: string; from: string; to: string }[];
  /** Series whose value now lies outside the band of the earlier runs (median +- 3 robust deviations, and 2%). */
  moved: { series: string; value: number; median: number; shiftPct: number }[];
}
