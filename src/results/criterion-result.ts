import type { Unit } from './measurement.js';

export type Verdict = 'GO' | 'NO-GO';

/**
 * EXCEEDED and MET pass; NOT MET fails (critical) or warns; NOT RUN means nothing was measured: it fails
 * a critical criterion too, unless what it reads was deliberately not run (faults without --chaos).
 */
export type Outcome = 'EXCEEDED' | 'MET' | 'NOT MET' | 'NOT RUN';

export interface CriterionResult {
  name: string;
  expression: string;
  severity: 'critical' | 'warning';
  /** e.g. `>= 90%` */
  requirement: string;
  actual: number | null;
  unit: Unit;
  /** pass: met; fail: a critical one not met or not measured; warn: a warning one; skip: what it reads was deliberately not run. */
  status: 'pass' | 'fail' | 'warn' | 'skip';
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
