import type { CriterionResult } from '../../results/criterion-result.js';
import type { Status } from '../../results/result.js';
import { criterionActual } from '../format-values.js';
import type { Report } from '../model.js';

export interface Finding {
  /** What it is about: a target, a criterion, a load result. */
  subject: string;
  /** The one fact that explains it: the target's error, the value against the requirement and what broke it. */
  fact: string;
  status: Status;
  /** How many things it stands for (several criteria within their error bars, said once): 1 when absent. */
  count?: number;
}

/**
 * What makes the verdict what it is, one finding per thing, each with the fact that explains it: required
 * targets failing (with their error), critical criteria not met (their value, the requirement in words and
 * what broke it: the alert and its instance, the failing engine), and what the tool could not vouch for.
 * The blockers the report model lists as sentences, spelled out for a reader who reads nothing else.
 */
export function findings(report: Report): Finding[] {
  const required = report.probes
    .filter((p) => p.required && p.status === 'fail')
    .map((p) => ({ subject: `${p.name} (${p.kind})`, fact: `required target failing: ${p.error ?? 'failed'}`, status: 'fail' as const }));
  const failed = report.criteria
    .filter((c) => c.status === 'fail' && c.key !== 'required-probes')
    .map((c) => ({ subject: c.name, fact: `${valueAndNeed(c)}${c.reason ? `; ${c.reason}` : ''}`, status: c.status }));
  const undecided = report.criteria.filter((c) => c.status === 'inconclusive' && !c.margin && c.key !== 'required-probes');
  const judged = new Set(report.criteria.flatMap((c) => (c.status === 'inconclusive' ? c.subjects : [])));
  const unvouched = report.scenarios
    .filter((s) => s.validity === 'INVALID' && !judged.has(`scenario.${s.name}`))
    .map((s) => ({
      subject: s.name,
      fact: `INVALID: ${s.invalidReason ?? 'the generator could not vouch for it'}`,
      status: 'inconclusive' as const,
    }));
  return [...required, ...failed, ...notJudged(undecided), ...errorBars(report), ...unvouched];
}

/** `5.5 ms, needed p90 under 50ms`, or, not judged but within its bound, `5.5 ms (within p90 under 50ms)`: never read as a miss. */
function valueAndNeed(c: CriterionResult): string {
  const need = c.inWords ?? c.requirement;
  if (c.actual === null) return `${c.outcome}, needed ${need}`;
  return c.status === 'inconclusive' && within(c) ? `${criterionActual(c)} (within ${need})` : `${criterionActual(c)}, needed ${need}`;
}

function within(c: CriterionResult): boolean {
  const op = /^(<=|>=|==|!=|<|>)/.exec(c.requirement)?.[1];
  if (op === undefined || c.bound === undefined || c.actual === null) return false;
  const a = c.actual;
  const b = c.bound;
  return { '<': a < b, '<=': a <= b, '>': a > b, '>=': a >= b, '==': a === b, '!=': a !== b }[op] ?? false;
}

/**
 * Criteria the tool could not judge, one finding per reason: a result the generator could not vouch for
 * decides several criteria, and its ~60-word reason is said once, after their values.
 */
function notJudged(cs: CriterionResult[]): Finding[] {
  const byReason = new Map<string, CriterionResult[]>();
  for (const c of cs) byReason.set(c.reason ?? '', [...(byReason.get(c.reason ?? '') ?? []), c]);
  return [...byReason].map(([reason, group]) => ({
    subject: group.map((c) => c.name).join(', '),
    fact: `${group.map((c) => (group.length > 1 ? `${c.name} ${valueAndNeed(c)}` : valueAndNeed(c))).join('; ')}${reason ? `; not judged: ${reason}` : ''}`,
    status: 'inconclusive' as const,
    ...(group.length > 1 && { count: group.length }),
  }));
}

/**
 * The criteria their error bars left undecided, as one finding: each value with its bar and bound, and
 * once what the bars are and what to do (a busy machine makes many at once; said each time, it would
 * fill the screen).
 */
function errorBars(report: Report): Finding[] {
  const within = report.criteria.filter((c) => c.status === 'inconclusive' && c.margin);
  if (within.length === 0) return [];
  const busy = within.find((c) => c.busyMachine)?.busyMachine;
  const what = busy ? `the load generator and this busy machine (${busy})` : 'the load generator';
  const each = within.map((c) => `${c.name} ${criterionActual(c)} (${c.requirement})`).join(', ');
  return [
    {
      subject: 'within their error bars',
      fact: `${each}: within what ${what} may have added; run on a quieter machine to decide`,
      status: 'inconclusive',
      count: within.length,
    },
  ];
}
