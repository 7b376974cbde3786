import type { ScenarioResult } from '../results/scenario-result.js';
import { sumFields } from '../results/sums.js';

/** A bus scenario's delivery counts over its shards: each shard had its own channel, so counts add up. */
export function mergeBusExtras(parts: ScenarioResult[]): Partial<ScenarioResult> {
  const ds = parts.flatMap((r) => (r.delivery ? [r.delivery] : []));
  if (ds.length === 0) return {};
  const counts = sumFields(ds, ['published', 'delivered', 'lost', 'publishFailed', 'duplicated', 'outOfOrder']);
  // The longest gap any of them saw.
  return { delivery: { ...counts, maxGapMs: Math.max(...ds.map((d) => d.maxGapMs)) } };
}
