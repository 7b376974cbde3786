import type { z } from 'zod';
import type { LabelValues, Measurement, MetricSpec } from '../results/measurement.js';
import type { EvidenceSpec } from '../results/checklist.js';
import type { AlertSeen, RuleCheck, Section } from '../results/result.js';
import type { TargetBase } from '../fields/target.js';

export type { TargetBase };

/** Where a kind that says nothing else is shown: the reference report's infrastructure health. */
export const DEFAULT_SECTION: Section = { title: 'Infrastructure health', order: 1 };

/** What a probe returns; the runner adds name, kind, timing and the common metrics. */
export interface ProbeOutcome {
  /** skip: nothing was measured on purpose (the run was interrupted while it waited). */
  status: 'pass' | 'fail' | 'warn' | 'skip';
  /** Round-trip time of the probe's main request, in ms. */
  latencyMs: number | null;
  /** One line a person understands; present when status is fail. */
  error?: string;
  /** Health signals that are off while the service still works (status warn). */
  warnings?: string[];
  /** Facts worth showing (version, role, ...). Structured values only: probes never format text. */
  details: Record<string, string | number | boolean | null>;
  measurements: Measurement[];
  /** For labelled metrics: every value each label can take (see LabelValues). */
  labelValues?: LabelValues;
  /**
   * Metrics this probe could not measure, with why (the tool's limit: a question the server cannot
   * answer): critical criteria on them are NOT RUN and INCONCLUSIVE, naming the fix.
   */
  unmeasured?: Record<string, string>;
  /** Metrics that have no value because the platform is broken there (a replica's link down): criteria on them are NOT MET. */
  broken?: Record<string, string>;
  /** Alerts a monitoring system reported. */
  alerts?: AlertSeen[];
  /** Alerting rules it checked, and what it found of each. */
  rules?: RuleCheck[];
}

export interface ProbeContext {
  signal: AbortSignal;
  timeoutMs: number;
  /**
   * Only tell whether the target works, with one cheap round trip (PING, SELECT 1, one request): what a
   * fault experiment polls every 100 ms, where a full probe's sampling would set the pace.
   */
  liveness?: boolean;
  /**
   * A repeat during load (the monitor's rounds): what the first probe already established and load cannot
   * change (who the target lets in, its certificate, its save schedule) is not asked again, so the
   * monitor opens no more connections to the platform under test than its health takes.
   */
  repeat?: boolean;
  /** Tells the runner what the probe is waiting for, so a timeout can say where it got stuck. */
  stage(what: string): void;
}

export interface ProbeKind<T extends TargetBase = TargetBase> {
  kind: string;
  /** Other names accepted in criteria, e.g. `engines` for `engine`. */
  aliases: string[];
  /** URL schemes that select this kind in ad-hoc use (`validate probe redis://...`). */
  schemes: string[];
  /** The default port of each of those schemes (redis: 6379): where an alert's `instance` meets a URL without a port. */
  ports?: Record<string, number>;
  /** The report section its targets are shown in; default: infrastructure health. */
  section?: Section;
  summary: string;
  /** Zod schema of this kind's target config (with `kind: z.literal(...)`). */
  schema: z.ZodType<T>;
  metrics: Record<string, MetricSpec>;
  /** Metrics a specific target adds (e.g. named PromQL queries). */
  targetMetrics?(target: T): Record<string, MetricSpec>;
  /**
   * Checklist evidence by the name a user gives a measurement of their own (a query named `backup_age_s`),
   * for what `targetMetrics` adds: the run's report has no config to ask.
   */
  namedEvidence?: Record<string, EvidenceSpec>;
  /**
   * How a measurement reads in production, as PromQL in the measurement's unit, from the exporters usually
   * scraped for this kind ($target: the target's name, the usual job label): what `validate alerts` writes
   * its rules with. A target's own `metrics:` overrides it.
   */
  promql?(target: T, metric: string): string | undefined;
  /**
   * Config rules the schema cannot say (fields that depend on each other or on the defaults), each a
   * problem at a path inside the target. Run by `validate check` and before every run.
   */
  check?(target: T, ctx: { timeoutMs: number }): { path: (string | number)[]; message: string }[];
  run(target: T, ctx: ProbeContext): Promise<ProbeOutcome>;
}

/**
 * Declares a probe kind. Inside its file a kind works with its own target type; the registry holds every
 * kind at the common one. This is the one place that widening happens: the kind's schema made every target
 * it will ever be given, so `run` only ever sees a T.
 */
export function defineProbe<T extends TargetBase>(kind: ProbeKind<T>): ProbeKind {
  return kind as unknown as ProbeKind;
}
