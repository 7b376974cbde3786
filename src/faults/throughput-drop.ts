import type { Timeline } from '../results/timeline.js';

/**
 * How far the scenario's throughput fell while a fault was in effect: successful requests per second in
 * the steps the fault window touches, against the steps wholly before it (the reference alert: a
 * throughput drop over 50%). Read from the results' own timelines, aligned by their start times, so a
 * scenario of several results (concurrency levels) counts where each ran. A sentence when it cannot tell.
 */
export function throughputDrop(timelines: Timeline[], window: { from: number; to: number }): number | string {
  let before = 0;
  let beforeMs = 0;
  let during = 0;
  let duringMs = 0;
  for (const t of timelines) {
    if (t.startedAt === undefined) continue;
    for (let i = 0; i < t.requests.length; i++) {
      const start = t.startedAt + i * t.stepMs;
      const end = start + t.stepMs;
      const ok = t.requests[i] - t.errors[i];
      if (end <= window.from) {
        before += ok;
        beforeMs += t.stepMs;
      } else if (start < window.to) {
        during += ok;
        duringMs += t.stepMs;
      }
    }
  }
  if (!beforeMs) return 'no traffic before the injection to compare with: give the fault a later at:';
  if (!duringMs) return 'the scenario had ended before the fault took effect: give the fault an earlier at:';
  const rateBefore = before / beforeMs;
  if (rateBefore === 0) return 'nothing succeeded before the injection: no throughput to compare with';
  return Math.max(0, (1 - during / duringMs / rateBefore) * 100);
}
