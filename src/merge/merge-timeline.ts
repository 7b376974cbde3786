import type { Timeline } from '../results/timeline.js';

/**
 * The shards' timelines as one, aligned by their start times: each shard's step i lands in the merged
 * step its wall-clock time falls in. Counts add exactly; a step's p50 and p99 become the largest of the
 * shards' (the per-step histograms are not kept), which the merged timeline says (`merged`).
 */
export function mergeTimelines(timelines: (Timeline | undefined)[]): Timeline | undefined {
  const ts = timelines.filter((t): t is Timeline => t !== undefined);
  if (ts.length === 0) return undefined;
  if (ts.length === 1) return ts[0];
  const stepMs = Math.max(...ts.map((t) => t.stepMs));
  const start = Math.min(...ts.map((t) => t.startedAt ?? 0));
  const out: Timeline = { stepMs, startedAt: start, requests: [], errors: [], p50Ms: [], p99Ms: [], merged: true };
  if (ts.some((t) => t.coarsened)) out.coarsened = true;
  const upper = (a: number | null | undefined, b: number | null) => (a === null || a === undefined ? b : b === null ? a : Math.max(a, b));
  for (const t of ts) {
    const offset = (t.startedAt ?? start) - start;
    t.requests.forEach((n, i) => {
      const k = Math.floor((offset + i * t.stepMs) / stepMs);
      while (out.requests.length <= k) {
        out.requests.push(0);
        out.errors.push(0);
        out.p50Ms.push(null);
        out.p99Ms.push(null);
      }
      out.requests[k] += n;
      out.errors[k] += t.errors[i];
      out.p50Ms[k] = upper(out.p50Ms[k], t.p50Ms[i]);
      out.p99Ms[k] = upper(out.p99Ms[k], t.p99Ms[i]);
    });
  }
  return out;
}
