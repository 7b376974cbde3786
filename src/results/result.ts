import type { Measurement } from './measurement.js';

export type Status = 'pass' | 'fail' | 'warn' | 'skip';

/** Anything criteria can read: a probe result now, scenario results later. */
export interface MeasuredItem {
  /** `targets.*` criteria read targets only; scenario and fault results are read under their own names. */
  family?: 'target' | 'scenario' | 'fault';
  /** Deliberately not run (a destructive fault without --chaos): criteria on it are NOT RUN, not NOT MET. */
  notRun?: boolean;
  kind: string;
  name: string;
  status: Status;
  required: boolean;
  error?: string;
  measurements: Measurement[];
}

export interface ProbeResult extends MeasuredItem {
  /** The URL, credentials redacted. */
  target: string;
  phase: string;
  latencyMs: number | null;
  warnings: string[];
  details: Record<string, string | number | boolean | null>;
  startedAt: string;
  durationMs: number;
}

export interface PhaseResult {
  name: string;
  description?: string;
  status: Status;
  /** Why a skipped phase was skipped. */
  reason?: string;
}
