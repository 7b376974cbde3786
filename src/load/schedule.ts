import type { ScheduleLike } from './shard.js';

/**
 * Open-model send times, computed from the fixed start (never from when the previous request
 * finished): the i-th request is due at the same moment however the server behaved. A stage ramps its
 * rate linearly from `from` to `to` (per second) over its duration, like k6's ramping arrival rate.
 */
export interface Stage {
  from: number;
  to: number;
  durationMs: number;
}

export class Schedule implements ScheduleLike {
  /** Cumulative request count at each stage's start. */
  private readonly offsets: number[] = [];
  readonly total: number;

  constructor(private readonly stages: Stage[]) {
    let n = 0;
    for (const s of stages) {
      this.offsets.push(n);
      n += ((s.from + s.to) / 2) * (s.durationMs / 1000);
    }
    this.total = Math.floor(n + 1e-9);
  }

  get durationMs(): number {
    return this.stages.reduce((a, s) => a + s.durationMs, 0);
  }

  indexOf(i: number): number {
    return i;
  }

  /** Milliseconds after the start at which request `i` (from 0) is due. */
  timeOf(i: number): number {
    let k = this.stages.length - 1;
    while (k > 0 && this.offsets[k] > i) k--;
    const s = this.stages[k];
    const n = i - this.offsets[k];
    let stageStart = 0;
    for (let j = 0; j < k; j++) stageStart += this.stages[j].durationMs;
    const d = s.durationMs / 1000;
    const a = (s.to - s.from) / d; // rate change per second
    // n(t) = from*t + a*t^2/2  ->  t = (-from + sqrt(from^2 + 2*a*n)) / a
    const t = Math.abs(a) < 1e-12 ? n / s.from : (-s.from + Math.sqrt(Math.max(0, s.from * s.from + 2 * a * n))) / a;
    return stageStart + t * 1000;
  }
}
