import type { ScenarioResult } from '../results/scenario-result.js';
import { sum } from '../results/sums.js';

/** A bus scenario's delivery counts over its shards: each shard had its own channel, so counts add up. */
export function mergeBusExtras(parts: ScenarioResult[]): Partial<ScenarioResult> {
  const ds = parts.flatMap((r) => (r.delivery ? [r.delivery] : []));
  if (ds.length === 0) return {};
  return {
    delivery: {
      published: sum(ds.map((d) => d.published)),
      delivered: sum(ds.map((d) => d.delivered)),
      lost: sum(ds.map((d) => d.lost)),
      publishFailed: sum(ds.map((d) => d.publishFailed)),
      duplicated: sum(ds.map((d) => d.duplicated)),
      outOfOrder: sum(ds.map((d) => d.outOfOrder)),
      // The longest gap any of them saw.
      maxGapMs: Math.max(...ds.map((d) => d.maxGapMs)),
    },
  };
}
