import type { Evidence } from './checklist.js';
import type { BusColumn, LabelValues, Measurement, ProbeColumn, Unit } from './measurement.js';

/**
 * inconclusive: the tool could not vouch for what it measured (its load generator fell behind, a fault
 * experiment did not take effect): neither the platform's pass nor its failure.
 */
export type Status = 'pass' | 'fail' | 'warn' | 'skip' | 'inconclusive';

/** Anything criteria can read: a probe result now, scenario results later. */
export interface MeasuredItem {
  /** `targets.*` criteria read targets only; scenario and fault results are read under their own names. */
  family?: 'target' | 'scenario' | 'fault' | 'trend';
  /** Deliberately not run (a destructive fault without --chaos): criteria on it are NOT RUN, not NOT MET. */
  notRun?: boolean;
  /** Skipped because what it depends on failed first (an earlier phase): criteria on it are NOT RUN, and block. */
  skippedForFailure?: boolean;
  kind: string;
  name: string;
  status: Status;
  required: boolean;
  error?: string;
  measurements: Measurement[];
  /**
   * Metrics it should have measured but could not, with why: the tool's limit (pattern subscribers Redis
   * cannot list, a field the server does not report). A critical criterion reading one is NOT RUN with
   * that reason, even over many targets, and the verdict INCONCLUSIVE: the platform did not fail it.
   */
  unmeasured?: Record<string, string>;
  /**
   * Metrics with no value because the platform itself is broken there (a replica whose link is down has
   * no knowable lag; a bus that returned none of the probe's messages): a criterion reading one is NOT MET.
   */
  broken?: Record<string, string>;
  /** The universe of label values of its labelled metrics, by metric. */
  labelValues?: LabelValues;
  /** Its sustained metrics over the run, as [seconds since the first sample, value] (the monitor's repeats). */
  samples?: Record<string, [number, number][]>;
  /**
   * Why its performance numbers (latency, throughput) cannot be judged on their own: errors over the
   * budget, or a generator that could not keep up. Criteria on those numbers are then NOT MET with this.
   */
  qualified?: string;
  /**
   * Why the tool cannot vouch for this item's numbers, when it cannot (the generator could not keep up, a
   * fault did not take effect). Criteria on its performance numbers, or on what it could not measure, are
   * then INCONCLUSIVE rather than met or not: the trouble is the tool's, not the platform's.
   */
  inconclusive?: string;
  /** The machine's load while this was measured, when other work took its CPUs ("load 4.8 on 2 cores, ..."): an error bar's cause. */
  busyMachine?: string;
}

/** A firing or pending alert a monitoring probe saw, and the config target it is about. */
export interface AlertSeen {
  name: string;
  state: 'firing' | 'pending';
  severity?: string;
  labels: Record<string, string>;
  activeAt?: string;
  /** The config target whose host:port is the alert's `instance` label (an alert about an optional target is visibly that). */
  target?: string;
  /** That target is optional (`required: false`): the alert alone does not block. */
  targetOptional?: boolean;
}

/** An alerting rule a monitoring probe was asked to find loaded, and what it found: the report's alert thresholds. */
export interface RuleCheck {
  alert: string;
  severity?: string;
  expr?: string;
  for?: string;
  state: 'loaded' | 'missing' | 'unhealthy' | 'stale' | 'drifted' | 'no series';
}

/** A measurement as a person reads it in a table row: its label and unit, decided by the kind that measured it. */
export interface Fact {
  label: string;
  value: number;
  unit: Unit;
}

/** A bus measurement for a column of the buses table, with its labels (which channel, which stream and group). */
/** A dependency a target reports: up or not, and how long its check took. */
export interface DependencyEdge {
  to: string;
  up: boolean;
  latencyMs?: number;
}

export interface BusFact extends Fact {
  column: BusColumn;
  labels?: Record<string, string>;
}

/** Where a probe's row goes in a report: its section's title, and the section's place among the others. */
export interface Section {
  title: string;
  order: number;
}

export interface ProbeResult extends MeasuredItem {
  /** The URL, credentials redacted. */
  target: string;
  phase: string;
  latencyMs: number | null;
  warnings: string[];
  details: Record<string, string | number | boolean | null>;
  /** Alerts a monitoring system reported (Prometheus, Grafana). */
  alerts?: AlertSeen[];
  /**
   * The alerting rules it checked (the gate's alert thresholds) and whether each is loaded and evaluating;
   * empty on a target that can check them (a Prometheus) when none were asked for.
   */
  rules?: RuleCheck[];
  /** The report section its kind belongs in (the reference report's engine matrix, infrastructure health). */
  section?: Section;
  /** The measurements its kind shows in the one-line summary of a row. */
  headline?: Fact[];
  /** Its measurements that are evidence for a go-live checklist line, as its kind declares them. */
  evidence?: Evidence[];
  /** The measurements its kind shows in the infrastructure table's own columns (CPU, memory, clients). */
  columns?: Partial<Record<ProbeColumn, Fact>>;
  /** As a message bus: the measurements of the buses table (round trip, subscribers per channel, stream lag). */
  bus?: BusFact[];
  /** What it depends on, as it reports them (its kind's `edge` metrics): the engines' graph draws these. */
  edges?: DependencyEdge[];
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
