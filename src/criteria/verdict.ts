import type { CriterionResult, Verdict } from '../results/criterion-result.js';

export type { Verdict };

/** GO exactly when no critical criterion is unmet; warnings are reported but do not block. */
export function decideVerdict(criteria: CriterionResult[]): Verdict {
  return criteria.some((c) => c.status === 'fail') ? 'NO-GO' : 'GO';
}
