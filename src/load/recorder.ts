import { newHistogram, recordMs, type Histogram } from './histogram.js';

/**
 * Everything a load run counts, in fixed memory: histograms and counters, never per-request samples,
 * so an eight-hour run costs what a ten-second one does.
 */
export class Recorder {
  /** From the scheduled send time in the open model (coordinated-omission corrected); from the send otherwise. */
  readonly latency: Histogram = newHistogram();
  /** Open model only: from the actual send, the view a closed-loop tool would give. */
  readonly uncorrected: Histogram | undefined;
  readonly scheduleLag: Histogram = newHistogram();
  requests = 0;
  errors = 0;
  late = 0;
  dropped = 0;
  readonly statuses = new Map<number, number>();
  /** Error key -> count, and one sample error per key to word the cause once at the end. */
  readonly causes = new Map<string, { count: number; sample: Error | string }>();
  private stopped = false;
  startedAt = performance.now();
  endedAt = 0;

  constructor(
    openModel: boolean,
    private readonly ok: (status: number) => boolean,
    /** Sees every result too (a soak's per-window accounting). */
    private readonly tap?: (latencyMs: number, failed: boolean) => void,
  ) {
    this.uncorrected = openModel ? newHistogram() : undefined;
  }

  /** Adds another recorder's results (a soak's operations into its total). */
  merge(other: Recorder): void {
    this.requests += other.requests;
    this.errors += other.errors;
    this.late += other.late;
    this.dropped += other.dropped;
    this.latency.add(other.latency);
    if (this.uncorrected && other.uncorrected) this.uncorrected.add(other.uncorrected);
    this.scheduleLag.add(other.scheduleLag);
    for (const [s, n] of other.statuses) this.statuses.set(s, (this.statuses.get(s) ?? 0) + n);
    for (const [k, c] of other.causes) {
      const mine = this.causes.get(k);
      if (mine) mine.count += c.count;
      else this.causes.set(k, { ...c });
    }
  }

  /** Results that arrive after stop (connections torn down by Ctrl-C) are not measurements. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.endedAt = performance.now();
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  record(latencyMs: number, err: Error | null, status: number, uncorrectedMs?: number): void {
    if (this.stopped) return;
    this.requests++;
    recordMs(this.latency, latencyMs);
    if (this.uncorrected && uncorrectedMs !== undefined) recordMs(this.uncorrected, uncorrectedMs);
    if (status) this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    const failed = err !== null || !this.ok(status);
    if (err) this.fail((err as NodeJS.ErrnoException).code ?? err.message, err);
    else if (failed) this.fail(`HTTP ${status}`, `HTTP ${status}`);
    this.tap?.(latencyMs, failed);
  }

  private fail(key: string, sample: Error | string): void {
    this.errors++;
    const c = this.causes.get(key);
    if (c) c.count++;
    else this.causes.set(key, { count: 1, sample });
  }
}
