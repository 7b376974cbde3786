import type { LatencySummary } from '../load/histogram.js';
import type { WindowResult } from '../load/windows.js';
import type { Measurement } from './measurement.js';
import type { Status } from './result.js';

/** One measured load result (a scenario yields one or more: one per target, per level, per operation). */
export interface ScenarioResult {
  name: string;
  /** The scenario kind: latency, concurrency, rate, operations. */
  kind: string;
  /** The scenario in the config this result belongs to. */
  scenario: string;
  /** What was loaded, credentials redacted. */
  target: string;
  status: Status;
  /** INVALID when the generator itself could not keep up: the numbers are then not the server's. */
  validity: 'VALID' | 'INVALID';
  invalidReason?: string;
  model: 'closed' | 'open';
  connections: number;
  requests: number;
  errors: number;
  successRate: number;
  rps: number;
  durationMs: number;
  /** Open model: from the scheduled send time (coordinated-omission corrected). Closed: from the send. */
  latencyMs: LatencySummary;
  /** Open model only: from the actual send. */
  uncorrectedLatencyMs?: LatencySummary;
  targetRps?: number;
  late?: number;
  dropped?: number;
  statusCounts: Record<string, number>;
  errorCauses: Record<string, number>;
  generator: { eventLoopDelayP99Ms: number; eventLoopDelayMaxMs: number; maxRssMb: number; scheduleLagP99Ms?: number };
  /** HdrHistogram compressed base64 (µs), so runs can be merged and compared exactly. */
  histograms: { latency: string; uncorrected?: string };
  /** Per-operation SLA bound on p99, when the config sets one. */
  slaMs?: number;
  /** A soak's windows, in order. */
  windows?: WindowResult[];
  measurements: Measurement[];
}
