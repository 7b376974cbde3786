import type { z } from 'zod';
import type { CriterionSpec } from '../criteria/compile.js';
import type { LoadContext } from '../load/measure.js';
import type { TrafficWitness } from '../load/bus-connection.js';
import type { TargetBase } from '../fields/target.js';
import type { Measurement, MetricSpec } from '../results/measurement.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import type { InfraSample } from '../results/window-result.js';
import type { Section } from '../results/result.js';

export interface ScenarioBase {
  name: string;
  kind: string;
  /** May be measured again after an INVALID attempt though it changes data (`changesData`). */
  retry?: boolean;
}

export interface ScenarioContext {
  /** The config's targets by name, for scenarios that load one of them. */
  targets: Map<string, TargetBase>;
  signal?: AbortSignal;
  /** What every measure() call of the scenario takes as it is: the signal, the generator's limits, progress, a shard's slice, the common start. */
  load: LoadContext;
  /** Probes every target now: a soak samples the infrastructure at each window's end. */
  sampleInfra?: () => Promise<InfraSample[]>;
  /** The run may change the platform (--chaos): a scenario that scales it runs only then. */
  chaos?: boolean;
  /** A scenario that carries messages hands over its traffic, for a fault injected while it runs. */
  onTraffic?: (witness: TrafficWitness) => void;
}

export interface ScenarioKind<S extends ScenarioBase = ScenarioBase> {
  kind: string;
  summary: string;
  /** The report section its results are shown in (the reference report's engine response times, ...). */
  section: Section;
  /**
   * Its run hands over a traffic witness (`ctx.onTraffic`) once its messages flow: a fault injected during
   * it counts its offset from then, so a slow start (a busy machine, a far broker) never puts the fault
   * before the traffic it is meant to cut.
   */
  carriesTraffic?: boolean;
  schema: z.ZodType<S>;
  /** The names of the results it will produce, known before running (criteria are checked against them). */
  results(spec: S): string[];
  /** Config target names it loads, checked to exist. */
  references(spec: S): { name: string; path: (string | number)[]; kinds: string[] }[];
  /** Metrics some of its results add beyond the common scenario metrics, by result name. */
  resultMetrics?(spec: S): Record<string, Record<string, MetricSpec>>;
  /** Every metric its results may add, config aside: what a finished report reads of them (their checklist evidence). */
  metrics?: Record<string, MetricSpec>;
  /**
   * What in it changes the platform's data (`order-processing: POST`), so measuring it again after an
   * INVALID attempt would do it twice: it is re-run only when its config says `retry: true`.
   */
  changesData?(spec: S): string[];
  /** Criteria the scenario implies, e.g. an operation's SLA. */
  impliedCriteria?(spec: S): CriterionSpec[];
  /**
   * Config rules the schema cannot say, once its references are known to exist: each a problem at a path
   * inside the scenario. Run by `validate check` and before every run, so nothing fails after probing.
   */
  check?(spec: S, ctx: { targets: Map<string, TargetBase> }): { path: (string | number)[]; message: string }[];
  run(spec: S, ctx: ScenarioContext): Promise<ScenarioResult[]>;
  /**
   * The measurements this kind derives from its results' own fields (a bus's delivery counts, a soak's
   * windows), for results made by merging shards; the spec when the config is at hand. What it returns
   * replaces the shards' values of the same metrics, which are otherwise combined by their aggregate.
   */
  remeasure?(results: ScenarioResult[], spec?: S): Measurement[][];
  /**
   * Its results' own fields (a bus's delivery counts, a soak's windows) for a result merged from shards:
   * given each shard's result of one name, what the merged one holds. The fields every load result has
   * (counts, histograms, rates) are merged by merge/ alike for every kind.
   */
  mergeExtras?(parts: ScenarioResult[]): Partial<ScenarioResult>;
}

/** Declares a scenario kind; the one place its own spec type is widened to the registry's (its schema made every spec it is given). */
export function defineScenario<S extends ScenarioBase>(kind: ScenarioKind<S>): ScenarioKind {
  return kind as unknown as ScenarioKind;
}
