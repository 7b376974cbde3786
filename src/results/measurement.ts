import type { EvidenceSpec } from './checklist.js';
/**
 * Measurements are the one currency between probes/scenarios and criteria: every kind fills the same
 * shape, so the criteria language never needs to know which kind produced a number (the gatus idea).
 */
export type Unit = 'ms' | 'seconds' | 'percent' | 'count' | 'bytes' | 'per_second' | 'number';

/** How a kind-wide measurement (`engine.latency_ms`) is derived from the per-target ones. */
export type Aggregate = 'max' | 'min' | 'sum' | 'mean';

export interface MetricSpec {
  unit: Unit;
  aggregate: Aggregate;
  /** Short human label used by renderers. */
  label: string;
  /** Shown in the one-line summary of a probe. */
  headline?: boolean;
  /** Evidence for a line of the go-live checklist (TLS for security, WAL archiving for backups). */
  evidence?: EvidenceSpec;
  /** A yes/no fact, 1 or 0 ("password required"): a criterion on it reads "password required on every redis", not "exactly 1". */
  flag?: boolean;
  /**
   * The metric comes as labelled series (e.g. one per firing alert) that criteria select with PromQL
   * matchers; the series a selector matches combine by `aggregate`. A selector on any other metric is a
   * config error.
   */
  labelled?: boolean;
  /** A valid selector that matches no series reads as zero (no firing alert of that severity), not NOT RUN. */
  missingIsZero?: boolean;
  /**
   * Latency or throughput: judged only together with the success of the same requests. On a result whose
   * errors exceed its budget (or whose generator could not keep up) it is NOT MET, however fast.
   */
  performance?: boolean;
  /**
   * It measures the tool's own ability to measure (a load result the generator could not vouch for, a
   * fault experiment that did not take effect): a criterion on it that is not met is INCONCLUSIVE, never
   * the platform's NOT MET.
   */
  selfCheck?: boolean;
  /**
   * A resource that matters as it is held (CPU, memory): every repeat of the probe during the run keeps a
   * sample; the value reported is the worst seen, and a criterion with `for:` reads the level held that long.
   */
  sustained?: boolean;
  /** Shown in its own column of the infrastructure table rather than in the details. */
  column?: ProbeColumn;
  /** Shown in the message buses table, in this column. */
  busColumn?: BusColumn;
  /**
   * A series per dependency a target reports (label `dependency`), drawn as the edges of the engines'
   * graph: whether each is up, or how long it took.
   */
  edge?: 'up' | 'latency';
}

/** The message buses table's measurement columns, in order, with their headings. */
export const BUS_COLUMNS = {
  round_trip: 'Round trip',
  lost: 'Lost',
  subscribers: 'Subscribers',
  lag: 'Stream lag',
  pending: 'Pending',
} as const;
export type BusColumn = keyof typeof BUS_COLUMNS;

/** The infrastructure table's measurement columns, in order, with their headings. */
export const PROBE_COLUMNS = { cpu: 'CPU', memory: 'Memory', clients: 'Clients' } as const;
export type ProbeColumn = keyof typeof PROBE_COLUMNS;

export interface Measurement {
  metric: string;
  value: number;
  unit: Unit;
  labels?: Record<string, string>;
  /**
   * Its error bar, in its unit: how much of the value the tool itself may account for (a load generator's
   * own delay, and a busy machine's). A criterion is NOT MET only past the bound without it, MET only
   * within the bound with it, and INCONCLUSIVE between.
   */
  margin?: number;
  /** Why the value is what it is, where the result's own error is about something else (an INVALID's cause). */
  why?: string;
}

/**
 * For a labelled metric, every value each label can take (e.g. every alerting rule's name and severity,
 * every scrape job), whether or not a series carries it now. A selector is checked against this: a label
 * or value outside it can never match, so a criterion using it measured nothing (NOT RUN), not zero.
 */
export type LabelValues = Record<string, Record<string, string[]>>;

/** Metrics every target gets from the runner, whatever its kind. */
export const COMMON_METRICS: Record<string, MetricSpec> = {
  available: { unit: 'percent', aggregate: 'mean', label: 'available' },
  healthy: { unit: 'count', aggregate: 'sum', label: 'healthy' },
  failed: { unit: 'count', aggregate: 'sum', label: 'failed' },
  latency_ms: { unit: 'ms', aggregate: 'max', label: 'latency' },
  /** Share of checks that passed over the whole run (the probe round plus the monitor's rounds). */
  uptime_pct: { unit: 'percent', aggregate: 'min', label: 'uptime' },
  uptime_checks: { unit: 'count', aggregate: 'min', label: 'checks' },
  /** Identity changes between checks (a process's pid and start time): restarts during the run. */
  restarts_seen: { unit: 'count', aggregate: 'sum', label: 'restarts seen' },
};
