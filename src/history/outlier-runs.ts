import { median } from '../util/median.js';
import { outlierNights } from './change-points.js';
import type { RunSummary } from './store.js';

/**
 * The runs that were outlier nights of a load result's p99 (a noisy neighbour, a GC storm, a cold cache):
 * by run id, in words a reader of `validate history` takes in at a glance (`outlier: peak p99 2.7x the
 * median`). The trend's change points set them aside, and so does `compare --baseline history`.
 */
export function outlierRuns(runs: RunSummary[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const names = [...new Set(runs.flatMap((r) => r.loads.map((l) => l.name)))];
  for (const name of names) {
    const having = runs.flatMap((r) => r.loads.filter((l) => l.name === name).map((l) => ({ id: r.id, p99: l.p99Ms })));
    const values = having.map((h) => h.p99);
    const level = median(values);
    for (const i of outlierNights(values)) {
      const times = level > 0 ? `${(values[i] / level).toFixed(1)}x the median` : `${values[i]} ms against a median of 0`;
      out.set(having[i].id, [...(out.get(having[i].id) ?? []), `outlier: ${name} p99 ${times}`]);
    }
  }
  return out;
}
