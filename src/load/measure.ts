import type { ScenarioResult } from '../results/scenario-result.js';
import { runClosed } from './closed-loop.js';
import { watchGenerator } from './generator-health.js';
import type { Lane } from './open-lanes.js';
import { runOpen } from './open-loop.js';
import { Recorder } from './recorder.js';
import { shardSchedule, shareOf, type ScheduleLike, type Shard } from './shard.js';
import { toScenarioResult } from './to-result.js';
import type { ConnectionFactory } from './types.js';
import { sleep } from '../util/sleep.js';

export type LoadModel =
  | { type: 'closed'; connections: number; durationMs?: number; requests?: number }
  | {
      type: 'open';
      schedule: ScheduleLike;
      maxConnections: number;
      lateAfterMs: number;
      drainMs: number;
      startAt?: number;
      /** The connections are the platform's clients: waiting for one is the platform's queue (open-loop.ts). */
      clientQueueTimeoutMs?: number;
    };

export interface GeneratorLimits {
  /** Open model: the generator's own dispatch delay (p99) beyond which its schedule is not the asked one. */
  maxScheduleLagMs: number;
  /** The generator's event-loop delay (p99) beyond which its latencies include its own delay. */
  maxEventLoopDelayMs: number;
}

export const DEFAULT_LIMITS: GeneratorLimits = { maxScheduleLagMs: 10, maxEventLoopDelayMs: 20 };

/** Unless a scenario says otherwise, 99.9% of its requests must succeed for its latency to count. */
export const DEFAULT_SUCCESS_PCT = 99.9;

/** What a progress display reads of a load under way: plain numbers, so they can come from the load's own thread. */
export interface LiveNumbers {
  requests: number;
  errors: number;
  /** Undefined until a request has finished. */
  p99Ms?: number;
  elapsedMs: number;
  stopped: boolean;
}

export interface LiveView {
  name: string;
  live(): LiveNumbers;
  /** How long the run is planned to take, when known (for a total and an ETA). */
  plannedMs?: number;
  /** A run of a fixed count: how many requests, for a share done and an ETA. */
  plannedRequests?: number;
}

/** One entry of a mix: a kind of request and its share of the arrivals. */
export interface MixEntry {
  /** Names the entry's own row: `<result>/<name>`. */
  name: string;
  target: string;
  url: string;
  factory: ConnectionFactory;
  weight: number;
}

export interface MeasureOptions {
  name: string;
  kind: string;
  scenario: string;
  target: string;
  /** For wording connection errors. */
  url: string;
  factory: ConnectionFactory;
  /** Open model: several kinds of request on one arrival schedule (a soak's mix); `factory` is then unused. */
  mix?: MixEntry[];
  model: LoadModel;
  /** Sees every finished request (a soak's windows). */
  tap?: ConstructorParameters<typeof Recorder>[1];
  signal?: AbortSignal;
  limits?: GeneratorLimits;
  /** One level of a series (e.g. the user count), for charts by level. */
  level?: number;
  /** What the level counts, when not users: `instances` (a scaling scenario). */
  levelName?: string;
  /** Percent of requests that must succeed (the result's error budget); default 99.9. */
  successPct?: number;
  slaMs?: number;
  /** Lets a progress display read the live recorder. */
  onStart?: (view: LiveView) => void;
  /** This process's slice of the load, when it is one shard of several. */
  shard?: Shard;
  /** When the load starts (performance.now() time): every shard starts its schedule at the same instant. */
  startAt?: number;
}

/** How the run a scenario kind hands to measure() is shared: a shard's slice, and the common start. */
export interface LoadContext {
  signal?: AbortSignal;
  limits: GeneratorLimits;
  onStart?: (view: LiveView) => void;
  shard?: Shard;
  startAt?: number;
}

/**
 * A shard's slice of a load model: every n-th arrival of the open model's one schedule; the closed
 * model's users (and requests) split with the remainder to the first shards. Undefined when the slice is
 * empty (one user cannot be split four ways: the other shards have none of it).
 */
export function sliceModel(model: LoadModel, shard: Shard | undefined): LoadModel | undefined {
  if (!shard || shard.total === 1) return model;
  if (model.type === 'open') {
    const schedule = shardSchedule(model.schedule, shard);
    return schedule.total > 0 ? { ...model, schedule } : undefined;
  }
  // Only shards that get a user get requests: the count goes to those, so the shards' sum is the whole.
  const withUsers = Math.min(model.connections, shard.total);
  if (shard.index > withUsers) return undefined;
  const among = { index: shard.index, total: withUsers };
  return {
    ...model,
    connections: shareOf(model.connections, shard),
    requests: model.requests === undefined ? undefined : shareOf(model.requests, among),
  };
}

/**
 * Runs one load model and turns what the recorder saw into a scenario result; for a mix, also one
 * result per entry (its own counts and histogram), under `endpoints`.
 */
export async function measure(options: MeasureOptions): Promise<ScenarioResult> {
  const model = sliceModel(options.model, options.shard);
  if (!model) return emptyShare(options);
  // Every shard starts at the common instant; one that gets there late says how late (and past a bound is INVALID).
  // The open loop opens its first connections before that instant and waits for it itself; the closed one waits here.
  let startLateMs = model.type === 'closed' ? await waitForStart(options.startAt, options.signal) : undefined;
  const o = { ...options, model: model.type === 'open' && options.startAt !== undefined ? { ...model, startAt: options.startAt } : model };
  const open = o.model.type === 'open';
  const plannedMs = o.model.type === 'open' ? o.model.schedule.durationMs : o.model.durationMs;
  // The open schedule's start (a common one, or a soak's window origin) is the recorders' too.
  const origin = o.model.type === 'open' ? o.model.startAt : undefined;
  const recorder = new Recorder(open, o.tap, plannedMs, origin);
  const lanes: Lane[] = o.mix?.map((m) => ({
    factory: m.factory,
    weight: m.weight,
    recorder: new Recorder(true, undefined, plannedMs, origin),
  })) ?? [{ factory: o.factory, weight: 1 }];
  const started = announceStart(o, {
    name: o.name,
    live: () => liveNumbers(recorder),
    plannedMs,
    plannedRequests: o.model.type === 'closed' && !plannedMs ? o.model.requests : undefined,
  });
  const watch = watchGenerator();
  if (o.model.type === 'closed') await runClosed({ ...o.model, factory: o.factory, signal: o.signal, recorder });
  else {
    const outcome = await runOpen({ ...o.model, lanes, signal: o.signal, recorder });
    if (options.startAt !== undefined) startLateMs = outcome.startLateMs;
  }
  clearTimeout(started);
  const generator = watch.stop();
  await Promise.all([o.factory, ...(o.mix ?? []).map((m) => m.factory)].map((f) => f.settled?.()));
  const info = {
    ...o,
    explain: o.factory.explain?.bind(o.factory),
    limits: o.limits ?? DEFAULT_LIMITS,
    successPct: o.successPct ?? DEFAULT_SUCCESS_PCT,
    startLateMs,
  };
  const result = toScenarioResult(info, recorder, generator);
  if (o.mix) result.endpoints = mixResults(info, o.mix, lanes, generator);
  return result;
}

/**
 * Says the load has started (for progress, and for a fault's `at`): now, or, for an open loop that waits
 * for a common start itself, at that instant, as a closed load says it once waitForStart returns.
 */
function announceStart(o: MeasureOptions, view: LiveView): NodeJS.Timeout | undefined {
  const waitMs = o.model.type === 'open' && o.model.startAt !== undefined ? o.model.startAt - performance.now() : 0;
  if (waitMs > 0) return setTimeout(() => o.onStart?.(view), waitMs);
  o.onStart?.(view);
  return undefined;
}

/** The closed model waits for a common start here: how late it got there (none without one). */
async function waitForStart(startAt: number | undefined, signal?: AbortSignal): Promise<number | undefined> {
  if (startAt === undefined) return undefined;
  const wait = startAt - performance.now();
  if (wait > 0) await sleep(wait, signal);
  return Math.max(0, performance.now() - startAt);
}

/** A mix's entries, each its own result from its own lane's recorder (the same run, split by request). */
function mixResults(
  info: Parameters<typeof toScenarioResult>[0],
  mix: NonNullable<MeasureOptions['mix']>,
  lanes: Lane[],
  generator: ReturnType<ReturnType<typeof watchGenerator>['stop']>,
): ScenarioResult[] {
  const weights = mix.reduce((a, m) => a + m.weight, 0);
  return mix.map((m, i) =>
    toScenarioResult(
      {
        ...info,
        name: `${info.name}/${m.name}`,
        target: m.target,
        url: m.url,
        explain: m.factory.explain?.bind(m.factory),
        share: m.weight / weights,
      },
      lanes[i].recorder!,
      generator,
    ),
  );
}

export function liveNumbers(r: Recorder): LiveNumbers {
  return {
    requests: r.requests,
    errors: r.errors,
    p99Ms: r.latency.totalCount ? r.latency.getValueAtPercentile(99) / 1000 : undefined,
    elapsedMs: performance.now() - r.startedAt,
    stopped: r.isStopped,
  };
}

/** A shard with no part of this load: a result that measured nothing on purpose (skip), which a merge leaves out. */
function emptyShare(o: MeasureOptions): ScenarioResult {
  const why = `shard ${o.shard!.index}/${o.shard!.total} has no share of this load (its users or arrivals went to the other shards)`;
  return unmeasured(o, why);
}

/**
 * A result with no load behind it, saying why: deliberately not run (skip: its criteria are NOT RUN, not
 * failed), or, given `invalid`, an experiment that did not take effect (INVALID: its criteria INCONCLUSIVE).
 */
export function unmeasured(o: MeasureOptions, why: string, invalid?: boolean): ScenarioResult {
  const recorder = new Recorder(o.model.type === 'open');
  recorder.stop();
  const info = { ...o, limits: o.limits ?? DEFAULT_LIMITS, successPct: o.successPct ?? DEFAULT_SUCCESS_PCT };
  const result = toScenarioResult(info, recorder, { eventLoopDelayP99Ms: 0, eventLoopDelayMaxMs: 0, maxRssMb: 0 });
  if (invalid) return { ...result, status: 'inconclusive', validity: 'INVALID', invalidReason: why, measurements: [] };
  return { ...result, status: 'skip', validity: 'VALID', invalidReason: undefined, measurements: [], notes: [why] };
}
