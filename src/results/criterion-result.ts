import type { Requirement } from './checklist.js';
import type { Unit } from './measurement.js';

/** GO, NO-GO, or INCONCLUSIVE: nothing failed on numbers the tool could vouch for, but it could not vouch for all it needed. */
export type Verdict = 'GO' | 'NO-GO' | 'INCONCLUSIVE';

/**
 * MET passes (its grade says by how much: a go-live meeting must never read a pass as a breach); NOT MET fails (critical) or warns; NOT RUN means nothing was measured: it fails
 * a critical criterion too, unless what it reads was deliberately not run (faults without --chaos).
 * INCONCLUSIVE: what it reads could not be vouched for by the tool itself (a generator that fell behind,
 * a fault that did not take effect), so it is neither met nor not met.
 */
export type Outcome = 'MET' | 'NOT MET' | 'NOT RUN' | 'INCONCLUSIVE';

export interface CriterionResult {
  name: string;
  expression: string;
  severity: 'critical' | 'warning';
  /** e.g. `>= 90%` */
  requirement: string;
  /** The bound in the measurement's unit (90 for `>= 90%`, 100 for `< 0.1s` on a value in ms): what a chart draws as its line. */
  bound?: number;
  /** The requirement as a sentence, e.g. "no required targets failing", "p99 under 50 ms on md-feed". */
  inWords?: string;
  /** The go-live checklist line it verifies, when what it reads is evidence for one (its metric's kind says so). */
  verifies?: Requirement;
  actual: number | null;
  /** The actual's error bar (what the tool itself may account for), when it decided the outcome: INCONCLUSIVE within it. */
  margin?: number;
  /** With a margin: the machine's load while it was measured, when other work took its CPUs. */
  busyMachine?: string;
  unit: Unit;
  /**
   * pass: met; fail: a critical one not met or not measured; inconclusive: a critical one the tool could
   * not judge; warn: a warning one not met or not judged; skip: what it reads was deliberately not run.
   */
  status: 'pass' | 'fail' | 'warn' | 'skip' | 'inconclusive';
  outcome: Outcome;
  grade: string;
  /** Why there is no actual value, why a fast result still fails (its errors), or which targets pulled it down. */
  reason?: string;
  description?: string;
  implicit?: boolean;
  /** What an implicit criterion stands for: `required-probes`, `valid-load`, `error-budget`. */
  key?: string;
  /** The executive summary's row it belongs to: its family's report section, or the config's `category`. */
  category: string;
  /** The results and targets it read, as `kind.name` (`fault.engine-restart`): a table row shows the criteria on it. */
  subjects: string[];
  /** Where the config writes it, for a GitHub annotation on that line. */
  location?: { file: string; line?: number };
}
