import type { ScenarioResult } from '../results/scenario-result.js';
import { runClosed } from './closed-loop.js';
import { watchGenerator } from './generator-health.js';
import { runOpen, type Lane } from './open-loop.js';
import { Recorder } from './recorder.js';
import type { Schedule } from './schedule.js';
import { toScenarioResult } from './to-result.js';
import type { ConnectionFactory } from './types.js';

export type LoadModel =
  | { type: 'closed'; connections: number; durationMs?: number; requests?: number }
  | { type: 'open'; schedule: Schedule; maxConnections: number; lateAfterMs: number; drainMs: number; startAt?: number };

export interface GeneratorLimits {
  /** Open model: the generator's own dispatch delay (p99) beyond which its schedule is not the asked one. */
  maxScheduleLagMs: number;
  /** The generator's event-loop delay (p99) beyond which its latencies include its own delay. */
  maxEventLoopDelayMs: number;
}

export const DEFAULT_LIMITS: GeneratorLimits = { maxScheduleLagMs: 10, maxEventLoopDelayMs: 20 };

/** Unless a scenario says otherwise, 99.9% of its requests must succeed for its latency to count. */
export const DEFAULT_SUCCESS_PCT = 99.9;

export interface LiveView {
  name: string;
  recorder: Recorder;
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
  /** Percent of requests that must succeed (the result's error budget); default 99.9. */
  successPct?: number;
  slaMs?: number;
  /** Lets a progress display read the live recorder. */
  onStart?: (view: LiveView) => void;
}

/**
 * Runs one load model and turns what the recorder saw into a scenario result; for a mix, also one
 * result per entry (its own counts and histogram), under `endpoints`.
 */
export async function measure(o: MeasureOptions): Promise<ScenarioResult> {
  const open = o.model.type === 'open';
  const plannedMs = o.model.type === 'open' ? o.model.schedule.durationMs : o.model.durationMs;
  const recorder = new Recorder(open, o.tap, plannedMs);
  const lanes: Lane[] = o.mix?.map((m) => ({ factory: m.factory, weight: m.weight, recorder: new Recorder(true, undefined, plannedMs) })) ?? [{ factory: o.factory, weight: 1 }];
  o.onStart?.({ name: o.name, recorder, plannedMs, plannedRequests: o.model.type === 'closed' && !plannedMs ? o.model.requests : undefined });
  const watch = watchGenerator();
  if (o.model.type === 'closed') await runClosed({ ...o.model, factory: o.factory, signal: o.signal, recorder });
  else await runOpen({ ...o.model, lanes, signal: o.signal, recorder });
  const generator = watch.stop();
  await Promise.all([o.factory, ...(o.mix ?? []).map((m) => m.factory)].map((f) => f.settled?.()));
  const info = { ...o, explain: o.factory.explain?.bind(o.factory), limits: o.limits ?? DEFAULT_LIMITS, successPct: o.successPct ?? DEFAULT_SUCCESS_PCT };
  const result = toScenarioResult(info, recorder, generator);
  const weights = (o.mix ?? []).reduce((a, m) => a + m.weight, 0);
  if (o.mix) result.endpoints = o.mix.map((m, i) => toScenarioResult({ ...info, name: `${o.name}/${m.name}`, target: m.target, url: m.url, explain: m.factory.explain?.bind(m.factory), share: m.weight / weights }, lanes[i].recorder!, generator));
  return result;
}
