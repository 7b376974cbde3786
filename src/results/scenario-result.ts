import type { Evidence } from './checklist.js';
import type { LatencyDistribution, LatencySummary } from './latency.js';
import type { WindowResult } from './window-result.js';
import type { Measurement } from './measurement.js';
import type { Section, Status } from './result.js';
import type { Timeline } from './timeline.js';

/** One measured load result (a scenario yields one or more: one per target, per level, per operation). */
export interface ScenarioResult {
  name: string;
  /** The scenario kind: latency, concurrency, rate, operations. */
  kind: string;
  /** The scenario in the config this result belongs to. */
  scenario: string;
  /** The report section its scenario kind shows it in (engine response times, concurrent load, ...). */
  section?: Section;
  /** Its measurements that are evidence for a go-live checklist line (a scaling step's efficiency), as its kind declares them. */
  evidence?: Evidence[];
  /** What was loaded, credentials redacted. */
  target: string;
  /** The config target it loaded, when it loaded one target (a bus): its row in the buses table names this result. */
  targetName?: string;
  status: Status;
  /** INVALID when the generator itself could not keep up: the numbers are then not the server's. */
  validity: 'VALID' | 'INVALID';
  invalidReason?: string;
  model: 'closed' | 'open';
  connections: number;
  requests: number;
  errors: number;
  successRate: number;
  /** Percent of requests that had to succeed: below it, the result's latency and throughput do not count. */
  successRequired: number;
  rps: number;
  durationMs: number;
  /** Open model: from the scheduled send time (coordinated-omission corrected). Closed: from the send. */
  latencyMs: LatencySummary;
  /** Open model only: from the actual send. */
  uncorrectedLatencyMs?: LatencySummary;
  targetRps?: number;
  late?: number;
  /**
   * Never completed because of the generator's own queue (open model): still waiting for a connection when
   * the run ended, or sent from that queue too late to have their timeout. Not in `requests` or `errors`.
   */
  dropped?: number;
  /** Never sent: the generator fell hopelessly behind its schedule and gave up on the rest (open model). Not in `requests`. */
  abandoned?: number;
  /** How many times it was measured: an INVALID result is measured again (--retries); this is the attempt kept. */
  attempts?: number;
  /** Why earlier attempts were not kept (each INVALID, with its reason). */
  retried?: string[];
  /** With attempts: the requests the platform took over all of them, the ones not kept included (its own counts read this). */
  requestsAllAttempts?: number;
  /** Waited for a free connection because the connection cap was reached (the generator's own queue). */
  queued?: number;
  statusCounts: Record<string, number>;
  errorCauses: Record<string, number>;
  /** Counts and percentiles per step over the run (absent in reports of older versions). */
  timeline?: Timeline;
  /** With a common start (--start-at): how late this process began its schedule, in ms. */
  startLateMs?: number;
  /** The generator's own health over the run (load/generator-health.ts): its lag, memory, how busy it and the machine were. */
  generator: {
    eventLoopDelayP99Ms: number;
    eventLoopDelayMaxMs: number;
    maxRssMb: number;
    scheduleLagP99Ms?: number;
    busyPct?: number;
    loadPerCore?: number;
    /** Share of the run some task on this machine waited for a CPU (/proc/pressure/cpu), where the kernel tells. */
    cpuPressurePct?: number;
    /** Open model: how late requests were sent, at every level (the corrected latency holds this), and its distribution. */
    scheduleLagMs?: LatencyDistribution;
    /** The generator thread's own wake-up delay at every level, beyond its sampler's resolution (and its distribution). */
    delayMs?: LatencyDistribution;
    /** The target runs on this machine: its server waited for the same CPUs, so the machine's delay counts twice. */
    local?: boolean;
    /** The error bar of each number the verdict reads: what the generator (and, local, the machine) may account for. */
    shareMs?: LatencySummary;
    shareRps?: number;
    /** The machine's load in words when other work took its CPUs during the run (the error bars' cause). */
    busyMachine?: string;
  };
  /** HdrHistogram compressed base64 (µs), so runs can be merged and compared exactly. */
  histograms: { latency: string; uncorrected?: string };
  /** Per-operation SLA bound on p99, when the config sets one. */
  slaMs?: number;
  /** One level of a series (users in a concurrency ramp): results of one scenario with levels chart by level. */
  level?: number;
  /** What the level counts, when not users (`instances`). */
  levelName?: string;
  /** A soak's windows, in order. */
  windows?: WindowResult[];
  /** A mix's entries, each with its own counts and latency (the same run, split by request). */
  endpoints?: ScenarioResult[];
  /** A message bus's own counts: what it did with the messages (requests are messages, latency is delivery). */
  delivery?: Delivery;
  /** What the run says beyond its numbers (what it left behind). */
  notes?: string[];
  /** Held connections (WebSocket clients): opened, failed, dropped while held, and how long opening took. */
  sessions?: Sessions;
  measurements: Measurement[];
}

export interface Sessions {
  opened: number;
  failed: number;
  disconnects: number;
  openP50Ms: number;
  openP99Ms: number;
  causes: Record<string, number>;
}

export interface Delivery {
  /** Sent and not refused by the bus. */
  published: number;
  delivered: number;
  /** Published and never delivered. */
  lost: number;
  publishFailed: number;
  duplicated: number;
  outOfOrder: number;
  /** The longest time between two deliveries. */
  maxGapMs: number;
}

/**
 * Why a result's latency and throughput count for nothing, if they do not: more of its requests failed
 * than its error budget allows (the platform's failure, whatever the generator did).
 */
export function overBudget(r: ScenarioResult): string | undefined {
  if (r.requests === 0 || r.successRate >= r.successRequired) return undefined;
  const causes = Object.entries(r.errorCauses)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 2)
    .map(([c, n]) => `${c} x${n.toLocaleString('en-US')}`)
    .join(', ');
  return `${(100 - r.successRate).toFixed(r.successRate > 99 ? 2 : 1)}% of ${r.requests.toLocaleString('en-US')} requests failed (${causes}); success ${r.successRate.toFixed(r.successRate > 99 ? 2 : 1)}% is under the required ${r.successRequired}%`;
}
