import type { Measurement } from '../results/measurement.js';
import type { InfraSample, WindowResult } from '../results/window-result.js';
import { encodeHistogram, newHistogram, recordMs, summarize, type Histogram } from '../results/histogram.js';

export type { WindowResult } from '../results/window-result.js';

interface Open {
  hist: Histogram;
  requests: number;
  errors: number;
  answered: number;
  infra?: Promise<InfraSample[]>;
}

/**
 * Cuts a long run into windows by when each request was *due*, not when it finished: a two-second
 * freeze shows as slow windows for the whole freeze, not as quiet windows followed by one slow one.
 * A window stays open until every request due in it has finished (its end plus the request timeout),
 * so only a few histograms are live at once; closed windows keep a summary and their encoded histogram.
 */
export class Windows {
  readonly closed: WindowResult[] = [];
  private readonly open = new Map<number, Open>();
  private readonly pending: Promise<void>[] = [];

  /** `origin` is when the schedule started, `durationMs` how long it lasts. */
  constructor(
    private readonly origin: number,
    readonly windowMs: number,
    private readonly durationMs: number,
  ) {}

  /** The recorder's tap: every finished request, counted in the window it was due in. */
  record(latencyMs: number, failed: boolean, answered: boolean, dueAt = performance.now() - latencyMs): void {
    // The epsilon: (origin + 400) - origin is 399.99999999994 at performance.now()'s magnitude, and a
    // request due exactly on a boundary belongs to the window it opens.
    const index = Math.floor((dueAt - this.origin) / this.windowMs + 1e-6);
    const w = this.windowOf(Math.min(this.lastIndex, Math.max(0, index)));
    recordMs(w.hist, latencyMs);
    w.requests++;
    if (failed) w.errors++;
    if (answered) w.answered++;
  }

  /** Attaches the infrastructure as it stood at the end of window `index` (sampled then, whenever it closes). */
  sample(index: number, infra: Promise<InfraSample[]>): void {
    this.windowOf(index).infra ??= infra;
  }

  /** Closes the windows whose every request has finished by `now` (each had `graceMs` past the window's end). */
  closeSettled(now: number, graceMs: number): void {
    for (const index of [...this.open.keys()].sort((a, b) => a - b)) {
      if (this.origin + (index + 1) * this.windowMs + graceMs > now) break;
      this.close(index);
    }
  }

  /** Closes every window (the run is over), and waits for the infrastructure samples still on their way. */
  private get lastIndex(): number {
    return Math.max(0, Math.ceil(this.durationMs / this.windowMs - 1e-6) - 1);
  }

  async finish(lastSample: () => Promise<InfraSample[]>): Promise<WindowResult[]> {
    const last = this.lastIndex;
    if (!this.open.get(last)?.infra) this.sample(last, lastSample());
    for (const index of [...this.open.keys()].sort((a, b) => a - b)) this.close(index);
    await Promise.all(this.pending);
    return this.closed;
  }

  private windowOf(index: number): Open {
    let w = this.open.get(index);
    if (!w) this.open.set(index, (w = { hist: newHistogram(), requests: 0, errors: 0, answered: 0 }));
    return w;
  }

  private close(index: number): void {
    const w = this.open.get(index)!;
    this.open.delete(index);
    const startMs = index * this.windowMs;
    // The last window may be cut short by the schedule's end: its rate is over its own span.
    const durationMs = Math.max(0, Math.min(this.windowMs, this.durationMs - startMs));
    const result: WindowResult = {
      index: index + 1,
      startMs,
      durationMs,
      requests: w.requests,
      errors: w.errors,
      errorRate: w.requests ? (w.errors / w.requests) * 100 : 0,
      rps: durationMs > 0 ? (w.answered / durationMs) * 1000 : 0,
      latencyMs: summarize(w.hist),
      histogram: encodeHistogram(w.hist),
      infra: [],
    };
    this.closed.push(result);
    this.closed.sort((a, b) => a.index - b.index);
    if (w.infra)
      this.pending.push(
        w.infra.then((infra) => {
          result.infra = infra;
        }),
      );
  }
}

/** Stability over the windows: drift, the worst window, the largest throughput drop. */
export function stability(ws: WindowResult[]): Measurement[] {
  const measured = ws.filter((w) => w.requests > 0);
  if (measured.length === 0) return [{ metric: 'windows', value: ws.length, unit: 'count' }];
  const first = measured[0];
  const last = measured[measured.length - 1];
  let maxDrop = 0;
  for (let i = 1; i < ws.length; i++) {
    if (ws[i - 1].rps > 0) maxDrop = Math.max(maxDrop, ((ws[i - 1].rps - ws[i].rps) / ws[i - 1].rps) * 100);
  }
  return [
    { metric: 'windows', value: ws.length, unit: 'count' },
    {
      metric: 'p99_drift_pct',
      value: first.latencyMs.p99 > 0 ? ((last.latencyMs.p99 - first.latencyMs.p99) / first.latencyMs.p99) * 100 : 0,
      unit: 'percent',
    },
    { metric: 'worst_window_p99_ms', value: Math.max(...measured.map((w) => w.latencyMs.p99)), unit: 'ms' },
    { metric: 'worst_window_error_pct', value: Math.max(...measured.map((w) => w.errorRate)), unit: 'percent' },
    { metric: 'max_throughput_drop_pct', value: maxDrop, unit: 'percent' },
  ];
}
