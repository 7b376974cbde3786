import type { CriterionResult } from '../../results/criterion-result.js';
import type { Status } from '../../results/result.js';
import { criterionActual } from '../format-values.js';
import type { Report } from '../model.js';

/** A group of the config's own criteria with one outcome, each by name (with its number where it did not pass). */
export interface CriteriaGroup {
  status: Status;
  /** `met`, `not met`, `not judged`, `warning`, `not run`. */
  label: string;
  items: string[];
  /** Said once for the group: why they were not run, when that is one reason for all. */
  why?: string;
}

export interface CriteriaSummary {
  /** The config's own (or the command line's) criteria, by outcome. */
  groups: CriteriaGroup[];
  total: number;
  /** The tool's own criteria (every required target up, every result VALID, the error budget): counted apart. */
  implicit: { total: number; met: number; notRun: number };
}

const ORDER: { status: Status; label: string }[] = [
  { status: 'fail', label: 'not met (see Blockers)' },
  { status: 'inconclusive', label: 'not judged' },
  { status: 'warn', label: 'warning' },
  { status: 'skip', label: 'not run' },
  { status: 'pass', label: 'met' },
];

/**
 * The user's criteria by name, grouped by outcome, never folded into "+N more"; the tool's implicit ones
 * counted apart (they are in the blockers, by name, when they fail). A met one is just its name; the others
 * carry their number against the requirement.
 */
export function criteriaSummary(report: Report): CriteriaSummary {
  const own = report.criteria.filter((c) => !c.implicit);
  const implicit = report.criteria.filter((c) => c.implicit);
  const groups = ORDER.map(({ status, label }) => {
    const cs = own.filter((c) => c.status === status);
    const reasons = new Set(cs.map((c) => c.reason));
    const why = status === 'skip' && reasons.size === 1 ? [...reasons][0]?.replace(/^not run: /, '') : undefined;
    return { status, label, items: cs.map((c) => item(c, why !== undefined)), ...(why && { why }) };
  }).filter((g) => g.items.length > 0);
  const count = (status: Status) => implicit.filter((c) => c.status === status).length;
  return { groups, total: own.length, implicit: { total: implicit.length, met: count('pass'), notRun: count('skip') } };
}

/** A met criterion by its name; a failed one too (the blockers above give its number and why); the rest with their number against the bound. */
function item(c: CriterionResult, reasonSaidOnce: boolean): string {
  if (c.status === 'pass' || c.status === 'fail') return c.name;
  if (c.status === 'skip') return reasonSaidOnce || !c.reason ? c.name : `${c.name} (${c.reason})`;
  if (c.actual === null) return `${c.name} (${c.outcome.toLowerCase()})`;
  return `${c.name} ${criterionActual(c)} (needs ${c.requirement})`;
}
