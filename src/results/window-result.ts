import type { LatencySummary } from './latency.js';
import type { Measurement } from './measurement.js';

/** How one target stood at the end of a soak window (only the measurements a person reads per window). */
export interface InfraSample {
  name: string;
  kind: string;
  status: string;
  error?: string;
  measurements: Measurement[];
}

/** One window of a soak: the requests *due* in it, their counts and histogram, and the infrastructure at its end. */
export interface WindowResult {
  /** 1-based. */
  index: number;
  /** From the start of the run. */
  startMs: number;
  durationMs: number;
  requests: number;
  errors: number;
  errorRate: number;
  /** Requests answered (successfully or not) per second of the window's span. */
  rps: number;
  latencyMs: LatencySummary;
  /** HdrHistogram, compressed base64 (µs). */
  histogram: string;
  infra: InfraSample[];
}
