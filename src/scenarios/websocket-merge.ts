import type { ScenarioResult } from '../results/scenario-result.js';
import { sumFields, sumRecords } from '../results/sums.js';

/** A WebSocket scenario's held clients over its shards: each shard held its own, so counts add up. */
export function mergeWebsocketExtras(parts: ScenarioResult[]): Partial<ScenarioResult> {
  const ss = parts.flatMap((r) => (r.sessions ? [r.sessions] : []));
  if (ss.length === 0) return {};
  return {
    sessions: {
      ...sumFields(ss, ['opened', 'failed', 'disconnects']),
      // Open times have no histogram in the report: the slowest shard's, an upper bound.
      openP50Ms: Math.max(...ss.map((s) => s.openP50Ms)),
      openP99Ms: Math.max(...ss.map((s) => s.openP99Ms)),
      causes: sumRecords(ss.map((s) => s.causes)),
    },
  };
}
