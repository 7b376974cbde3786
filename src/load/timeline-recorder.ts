import { newHistogram, recordMs, type Histogram } from '../results/histogram.js';
import type { Timeline } from '../results/timeline.js';

/** Points planned for: 8 hours at 16 s each, ~40 KB of report per result. */
export const MAX_POINTS = 1800;
/** A run that overruns its plan a little (the drain) keeps its step; beyond this its points are merged. */
const HARD_LIMIT = MAX_POINTS + MAX_POINTS / 10;

interface Point {
  requests: number;
  errors: number;
  p50: number | null;
  p99: number | null;
}

const upper = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
const joined = (a: Point, b: Point): Point => ({
  requests: a.requests + b.requests,
  errors: a.errors + b.errors,
  p50: upper(a.p50, b.p50),
  p99: upper(a.p99, b.p99),
});

const round3 = (us: number) => Math.round(us) / 1000;

/**
 * The step for a planned duration: fine enough that a short run still draws a line (a 3 s run in 100 ms
 * steps), a second from a minute on, and coarser only when an hours-long run would exceed MAX_POINTS.
 * Without a plan (a request count): 100 ms, merged in pairs as the run grows.
 */
export function stepFor(plannedMs: number | undefined): number {
  if (!plannedMs) return 100;
  if (plannedMs <= 60_000) return [10, 20, 50, 100, 200, 500, 1000].find((s) => plannedMs / s <= 60) ?? 1000;
  return Math.max(1000, Math.ceil(plannedMs / MAX_POINTS / 1000) * 1000);
}

/**
 * Records a run's timeline in fixed memory: one histogram for the step in progress, and four numbers
 * per finished step. The step is chosen from the planned duration so the points never exceed
 * MAX_POINTS; without a plan (a request count), steps are merged in pairs when they would.
 */
export class TimelineRecorder {
  private readonly current: Histogram = newHistogram();
  private readonly out: Timeline;
  private index = 0;
  private count = 0;
  private errors = 0;
  /** After merging an odd number of points: the last one, which the step in progress joins. */
  private carry: Point | undefined;

  constructor(
    private readonly startedAt: number,
    plannedMs?: number,
  ) {
    this.out = {
      stepMs: stepFor(plannedMs),
      startedAt: Math.round(performance.timeOrigin + startedAt),
      requests: [],
      errors: [],
      p50Ms: [],
      p99Ms: [],
    };
  }

  /** One finished request at `at` (performance.now() time). */
  add(at: number, latencyMs: number, failed: boolean): void {
    const i = Math.max(0, Math.floor((at - this.startedAt) / this.out.stepMs));
    if (i !== this.index) this.advance(i);
    this.count++;
    if (failed) this.errors++;
    recordMs(this.current, latencyMs);
  }

  /** The timeline up to `endedAt`, the step in progress included. */
  finish(endedAt: number): Timeline {
    const last = Math.max(0, Math.ceil((endedAt - this.startedAt) / this.out.stepMs) - 1);
    this.advance(Math.max(last, this.index) + 1);
    return this.out;
  }

  /** Closes the step in progress and any empty ones up to step `i` (a late straggler joins the current step). */
  private advance(i: number): void {
    if (i < this.index) return;
    let p: Point = {
      requests: this.count,
      errors: this.errors,
      p50: this.count ? round3(this.current.getValueAtPercentile(50)) : null,
      p99: this.count ? round3(this.current.getValueAtPercentile(99)) : null,
    };
    if (this.carry) [p, this.carry] = [joined(this.carry, p), undefined];
    this.push(p);
    for (let k = this.index + 1; k < i; k++) this.push({ requests: 0, errors: 0, p50: null, p99: null });
    this.current.reset();
    this.count = 0;
    this.errors = 0;
    this.index = i;
    if (this.out.requests.length > HARD_LIMIT) this.coarsen();
  }

  private push(p: Point): void {
    this.out.requests.push(p.requests);
    this.out.errors.push(p.errors);
    this.out.p50Ms.push(p.p50);
    this.out.p99Ms.push(p.p99);
  }

  /** Merges the points in pairs and doubles the step. */
  private coarsen(): void {
    const o = this.out;
    const points = o.requests.map((requests, k) => ({ requests, errors: o.errors[k], p50: o.p50Ms[k], p99: o.p99Ms[k] }));
    if (points.length % 2 === 1) this.carry = points.pop();
    Object.assign(o, { requests: [], errors: [], p50Ms: [], p99Ms: [], stepMs: o.stepMs * 2, coarsened: true });
    for (let k = 0; k < points.length; k += 2) this.push(joined(points[k], points[k + 1]));
    // The step in progress now lies in a step twice as wide (the one the carry waits for, if any).
    this.index = Math.floor(this.index / 2);
  }
}
