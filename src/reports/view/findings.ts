import type { Status } from '../../results/result.js';
import { criterionActual } from '../format-values.js';
import type { Report } from '../model.js';

export interface Finding {
  /** What it is about: a target, a criterion, a load result. */
  subject: string;
  /** The one fact that explains it: the target's error, the value against the requirement and what broke it. */
  fact: string;
  status: Status;
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
  return [...required, ...criteria, ...unvouched];
}
