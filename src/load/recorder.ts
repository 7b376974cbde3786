import { newHistogram, recordMs, type Histogram } from '../results/histogram.js';
import type { Timeline } from '../results/timeline.js';
import { TimelineRecorder } from './timeline-recorder.js';

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
  /** Requests put on the wire (never-sent ones are counted apart: the server did not see them). */
  requests = 0;
  errors = 0;
  /** Requests the server answered, successfully or with an error status: what throughput counts. */
  answered = 0;
  late = 0;
  /** Open model: requests never sent because every connection stayed busy to the end. Not in `requests`. */
  dropped = 0;
  /** Open model: requests that waited for a free connection because the connection cap was reached. */
  queued = 0;
  /** Open model: requests of the schedule never sent because the generator gave up on it, and why. Not in `requests`. */
  abandoned = 0;
  abandonedWhy: string | undefined;
  /** What it gave up on: its own lag behind the schedule, or a queue for connections the server kept busy. */
  abandonedBy: 'lag' | 'queue' | undefined;
  /** Responses by HTTP status (index = status), an array so counting one is an increment. */
  private readonly byStatus = new Float64Array(600);
  /** Error key -> count, and one sample error per key to word the cause once at the end. */
  readonly causes = new Map<string, { count: number; sample: Error | string }>();
  private stopped = false;
  startedAt = performance.now();
  endedAt = 0;
  /** When the load itself ended (the open model's last due time or last answer), if earlier than `endedAt`. */
  activeUntil = 0;

  /** Per step: counts and percentiles over time, for the report's time charts. */
  private readonly timeline: TimelineRecorder;

  constructor(
    openModel: boolean,
    /**
     * Sees every result too (a soak's windows): `dueAt` is when the request was due (open model), and
     * `answered` whether the server answered at all (an error status is an answer; a timeout is not).
     */
    private readonly tap?: (latencyMs: number, failed: boolean, answered: boolean, dueAt?: number) => void,
    /** How long the run is planned to take, which sets the timeline's step. */
    plannedMs?: number,
    /**
     * When the run's schedule starts (performance.now() time): a shard's common start. Kept even when it
     * is already past (a shard that got there late): the throughput is over the schedule's time, and a
     * late start is reported as such, never as a faster server.
     */
    startAt?: number,
  ) {
    if (startAt !== undefined) this.startedAt = startAt;
    this.uncorrected = openModel ? newHistogram() : undefined;
    this.timeline = new TimelineRecorder(this.startedAt, plannedMs);
  }

  /** The run over time, up to when it stopped. */
  timelineResult(): Timeline {
    return this.timeline.finish(this.endedAt || performance.now());
  }

  /** Responses by HTTP status, the statuses seen only. */
  get statuses(): Map<number, number> {
    const out = new Map<number, number>();
    for (let s = 100; s < 600; s++) if (this.byStatus[s] > 0) out.set(s, this.byStatus[s]);
    return out;
  }

  /**
   * The rest of the schedule (`count` requests) will not be sent: counted apart (the server never saw them,
   * so they are neither its requests nor its errors), and the reason kept for the result's INVALID line.
   */
  giveUp(count: number, why: string, by: 'lag' | 'queue'): void {
    if (this.stopped || count <= 0) return;
    this.abandoned += count;
    this.abandonedWhy ??= why;
    this.abandonedBy ??= by;
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

  /**
   * One finished request: `err` is null for a success (the loop has already judged the status); `dueAt`
   * is when it was due (open model) or sent (closed), so it finished at `dueAt + latencyMs`.
   */
  record(latencyMs: number, err: Error | null, status: number, uncorrectedMs: number | undefined, dueAt: number): void {
    if (this.stopped) return;
    this.requests++;
    recordMs(this.latency, latencyMs);
    this.timeline.add(dueAt + latencyMs, latencyMs, err !== null);
    if (this.uncorrected && uncorrectedMs !== undefined) recordMs(this.uncorrected, uncorrectedMs);
    if (status > 0 && status < 600) this.byStatus[status]++;
    const answered = err === null || status > 0;
    if (answered) this.answered++;
    if (err) this.fail((err as NodeJS.ErrnoException).code ?? err.message, err);
    this.tap?.(latencyMs, err !== null, answered, dueAt);
  }

  private fail(key: string, sample: Error | string): void {
    this.errors++;
    const c = this.causes.get(key);
    if (c) c.count++;
    else this.causes.set(key, { count: 1, sample });
  }
}

const STATUS_ERRORS = new Map<number, Error>();

/** The failure of an unexpected status, one shared object per status so the hot path allocates nothing. */
export function statusError(status: number): Error {
  let e = STATUS_ERRORS.get(status);
  if (!e) STATUS_ERRORS.set(status, (e = Object.assign(new Error(`HTTP ${status}`), { code: `HTTP ${status}` })));
  return e;
}

/** A connection's answer judged against what the request expects. */
export function judged(factory: { ok(status: number): boolean }, err: Error | null, status: number): Error | null {
  return err ?? (factory.ok(status) ? null : statusError(status));
}
