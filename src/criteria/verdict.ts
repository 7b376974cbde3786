import type { CriterionResult } from './evaluate.js';

export type Verdict = 'GO' | 'NO-GO';

/** GO exactly when no critical criterion is unmet; warnings are reported but do not block. */
export function decideVerdict(criteria: CriterionResult[]): Verdict {
  return criteria.some((c) => c.status === 'fail') ? 'NO-GO' : 'GO';
}
