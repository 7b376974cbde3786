/** The exit-code contract (ARCHITECTURE.md, Contracts). CI gates and schedulers rely on these numbers; never renumber. */
export const ExitCode = {
  GO: 0,
  NO_GO: 1,
  /** Usage or config error: nothing was probed. */
  USAGE: 2,
  /**
   * INCONCLUSIVE: nothing failed on numbers the tool could vouch for, but it could not vouch for all it
   * needed (its load generator fell behind, a fault experiment did not take effect). Nagios's UNKNOWN is 3 too.
   */
  INCONCLUSIVE: 3,
  /** With --history-required: the run finished and its reports were written, but its history could not be. */
  HISTORY: 4,
  /** A bug in validate (one line on stderr; VALIDATE_DEBUG=1 for the stack): never the usage code. */
  INTERNAL: 70,
  /** Stopped by SIGHUP (the terminal or session closed): a partial report, marked aborted, was written. */
  HANGUP: 129,
  /** Interrupted by Ctrl-C (SIGINT): a partial report, marked aborted, was written. */
  INTERRUPTED: 130,
  /** Stopped by SIGTERM (what Kubernetes and CI runners send): a partial report, marked aborted, was written. */
  TERMINATED: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Each code in a few words, as `--help` lists them (docs/criteria.md has the long form; a test holds the three together). */
export const EXIT_WORDS: Record<ExitCodeValue, string> = {
  0: 'GO',
  1: 'NO-GO',
  2: 'usage or config error',
  3: 'INCONCLUSIVE (validate could not vouch for what it needed)',
  4: 'the run could not be kept in its history (--history-required)',
  70: 'internal error',
  129: 'stopped by SIGHUP',
  130: 'stopped by Ctrl-C',
  143: 'stopped by SIGTERM (a partial report is written on each of these three)',
};

/** The exit code of a verdict: the gate's answer to a CI step. */
export function verdictExit(verdict: 'GO' | 'NO-GO' | 'INCONCLUSIVE'): ExitCodeValue {
  return verdict === 'GO' ? ExitCode.GO : verdict === 'INCONCLUSIVE' ? ExitCode.INCONCLUSIVE : ExitCode.NO_GO;
}
