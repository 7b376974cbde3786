import { probeKindOrUndefined } from '../probes/registry.js';
import type { Measurement } from '../results/measurement.js';
import type { ProbeResult } from '../results/result.js';
import { encodeHistogram, newHistogram, recordMs, summarize, type LatencySummary } from './histogram.js';

/** One window of a soak: its own counts and histogram, and what the infrastructure looked like at its end. */
export interface WindowResult {
  index: number;
  startMs: number;
  durationMs: number;
  requests: number;
  errors: number;
  errorRate: number;
  rps: number;
  latencyMs: LatencySummary;
  histogram: string;
  infra: { name: string; kind: string; status: string; error?: string; measurements: Measurement[] }[];
}

/**
 * Cuts a long run into windows. Only the open window's histogram is live; closed windows keep a summary
 * and their encoded histogram, so memory grows by a few kilobytes a window, not by a sample a request.
 */
export class Windows {
  readonly closed: WindowResult[] = [];
  private hist = newHistogram();
  private requests = 0;
  private errors = 0;
  private openedAt: number;
  private readonly pending: Promise<void>[] = [];

  constructor(private readonly startedAt: number) {
    this.openedAt = startedAt;
  }

  record(latencyMs: number, failed: boolean): void {
    recordMs(this.hist, latencyMs);
    this.requests++;
    if (failed) this.errors++;
  }

  /**
   * Closes the open window at `at`. For the last one, requests completing during the drain still count,
   * but its rate is taken up to `rateUntil` (the schedule's end), so the drain does not look like a
   * throughput drop. The infrastructure sample is attached when it arrives: sampling never moves a boundary.
   */
  close(at = performance.now(), infra?: Promise<ProbeResult[]>, rateUntil = at): WindowResult {
    const durationMs = Math.max(0, Math.min(at, rateUntil) - this.openedAt);
    const w: WindowResult = {
      index: this.closed.length + 1,
      startMs: this.openedAt - this.startedAt,
      durationMs,
      requests: this.requests,
      errors: this.errors,
      errorRate: this.requests ? (this.errors / this.requests) * 100 : 0,
      rps: durationMs > 0 ? (this.requests / durationMs) * 1000 : 0,
      latencyMs: summarize(this.hist),
      histogram: encodeHistogram(this.hist),
      infra: [],
    };
    this.closed.push(w);
    if (infra) this.pending.push(infra.then((rs) => { w.infra = rs.map((r) => ({ name: r.name, kind: r.kind, status: r.status, error: r.error, measurements: headline(r) })); }));
    this.hist = newHistogram();
    this.requests = 0;
    this.errors = 0;
    this.openedAt = at;
    return w;
  }

  /** Waits for the infrastructure samples still on their way. */
  async settled(): Promise<WindowResult[]> {
    await Promise.all(this.pending);
    return this.closed;
  }
}

/** Only the measurements a person reads per window (memory, CPU, connections, latency), to keep reports small. */
function headline(r: ProbeResult): Measurement[] {
  const metrics = probeKindOrUndefined(r.kind)?.metrics ?? {};
  return r.measurements.filter((m) => metrics[m.metric]?.headline || m.metric === 'latency_ms');
}

/** Stability over the windows: drift, the worst window, the largest throughput drop. */
export function stability(ws: WindowResult[]): Measurement[] {
  if (ws.length === 0) return [];
  const first = ws[0];
  const last = ws[ws.length - 1];
  let maxDrop = 0;
  for (let i = 1; i < ws.length; i++) {
    if (ws[i - 1].rps > 0) maxDrop = Math.max(maxDrop, ((ws[i - 1].rps - ws[i].rps) / ws[i - 1].rps) * 100);
  }
  return [
    { metric: 'windows', value: ws.length, unit: 'count' },
    { metric: 'p99_drift_pct', value: first.latencyMs.p99 > 0 ? ((last.latencyMs.p99 - first.latencyMs.p99) / first.latencyMs.p99) * 100 : 0, unit: 'percent' },
    { metric: 'worst_window_p99_ms', value: Math.max(...ws.map((w) => w.latencyMs.p99)), unit: 'ms' },
    { metric: 'worst_window_error_pct', value: Math.max(...ws.map((w) => w.errorRate)), unit: 'percent' },
    { metric: 'max_throughput_drop_pct', value: maxDrop, unit: 'percent' },
  ];
}
