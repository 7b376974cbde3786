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
  const criteria = report.criteria
    .filter((c) => (c.status === 'fail' || c.status === 'inconclusive') && c.key !== 'required-probes')
    .filter((c) => !(c.status === 'inconclusive' && c.margin))
    .map((c) => ({
      subject: c.name,
      fact: `${c.actual === null ? c.outcome : criterionActual(c)}, needed ${c.inWords ?? c.requirement}${c.reason ? `; ${c.reason}` : ''}`,
      status: c.status,
    }));
  const judged = new Set(report.criteria.flatMap((c) => (c.status === 'inconclusive' ? c.subjects : [])));
  const unvouched = report.scenarios
    .filter((s) => s.validity === 'INVALID' && !judged.has(`scenario.${s.name}`))
    .map((s) => ({
      subject: s.name,
      fact: `INVALID: ${s.invalidReason ?? 'the generator could not vouch for it'}`,
      status: 'inconclusive' as const,
    }));
  return [...required, ...criteria, ...errorBars(report), ...unvouched];
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
