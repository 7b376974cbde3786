import type { CriterionResult, Verdict } from '../results/criterion-result.js';
import type { FaultResult } from '../results/fault-result.js';
import { faultItem, scenarioItem } from '../results/items.js';
import type { MeasuredItem, ProbeResult } from '../results/result.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import type { Criterion } from './compile.js';
import { evaluateCriteria } from './evaluate.js';

export type { Verdict };

/** What a run measured: everything criteria can read. */
export interface Measured {
  probes: ProbeResult[];
  scenarios: ScenarioResult[];
  faults: FaultResult[];
  /** Series across the runs of a history (`trend.*` criteria), when the run keeps one. */
  trends?: MeasuredItem[];
  /** Results planned but never run because something failed first (a phase): their criteria say so. */
  notRun?: MeasuredItem[];
}

export interface Judgement {
  criteria: CriterionResult[];
  verdict: Verdict;
}

/**
 * The one judge of a run, whoever made its results (a run, a merge of shards): every criterion evaluated
 * against what was measured, then the verdict. `extra` are criterion results decided outside the
 * catalog (a merge's missing shards).
 */
export function judgeRun(criteria: Criterion[], measured: Measured, o: { aborted?: boolean; extra?: CriterionResult[] } = {}): Judgement {
  const items = [
    ...measured.probes,
    ...measured.scenarios.map(scenarioItem),
    ...measured.faults.map(faultItem),
    ...(measured.trends ?? []),
    ...(measured.notRun ?? []),
  ];
  const results = [...evaluateCriteria(criteria, items), ...(o.extra ?? [])];
  return { criteria: results, verdict: decideVerdict(results, o.aborted ?? false) };
}

/**
 * NO-GO when a critical criterion failed on numbers the tool stands behind; otherwise INCONCLUSIVE when
 * one could not be judged (the generator fell behind, an experiment did not take effect) or the run was
 * interrupted (it proves nothing: never GO); otherwise GO. Warnings never decide.
 */
export function decideVerdict(criteria: CriterionResult[], aborted = false): Verdict {
  if (criteria.some((c) => c.status === 'fail' && (!aborted || c.outcome === 'NOT MET'))) return 'NO-GO';
  if (aborted || criteria.some((c) => c.status === 'inconclusive')) return 'INCONCLUSIVE';
  return 'GO';
}
