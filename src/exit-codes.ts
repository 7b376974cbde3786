/** The exit-code contract (DESIGN.md). CI gates and schedulers rely on these numbers; never renumber. */
export const ExitCode = {
  GO: 0,
  NO_GO: 1,
  /** Usage or config error: nothing was probed. */
  USAGE: 2,
  /** Interrupted by a signal: a partial report, marked aborted, was written. */
  INTERRUPTED: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
