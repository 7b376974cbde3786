import { classifyError, endpointOf } from '../probes/classify-error.js';
import type { Measurement } from '../results/measurement.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import { runClosed } from './closed-loop.js';
import { watchGenerator, type GeneratorHealth } from './generator-health.js';
import { encodeHistogram, summarize } from './histogram.js';
import { runOpen } from './open-loop.js';
import { Recorder } from './recorder.js';
import type { Schedule } from './schedule.js';
import type { ConnectionFactory } from './types.js';

export type LoadModel =
  | { type: 'closed'; connections: number; durationMs?: number; requests?: number }
  | { type: 'open'; schedule: Schedule; maxConnections: number; lateAfterMs: number; drainMs: number };

export interface GeneratorLimits {
  /** Open model: the generator's own dispatch delay (p99) beyond which its schedule is not the asked one. */
  maxScheduleLagMs: number;
  /** The generator's event-loop delay (p99) beyond which its latencies include its own delay. */
  maxEventLoopDelayMs: number;
}

export const DEFAULT_LIMITS: GeneratorLimits = { maxScheduleLagMs: 10, maxEventLoopDelayMs: 20 };

export interface LiveView {
  name: string;
  recorder: Recorder;
}

export interface MeasureOptions {
  name: string;
  kind: string;
  scenario: string;
  target: string;
  /** For wording connection errors. */
  url: string;
  factory: ConnectionFactory;
  model: LoadModel;
  signal?: AbortSignal;
  limits?: GeneratorLimits;
  slaMs?: number;
  /** Lets a progress display read the live recorder. */
  onStart?: (view: LiveView) => void;
}

/** Runs one load model and turns what the recorder saw into a scenario result. */
export async function measure(o: MeasureOptions): Promise<ScenarioResult> {
  const recorder = new Recorder(o.model.type === 'open', o.factory.ok);
  o.onStart?.({ name: o.name, recorder });
  const watch = watchGenerator();
  if (o.model.type === 'closed') await runClosed({ ...o.model, factory: o.factory, signal: o.signal, recorder });
  else await runOpen({ ...o.model, factory: o.factory, signal: o.signal, recorder });
  const generator = watch.stop();
  return toScenarioResult(o, recorder, generator);
}

/** Turns what a recorder saw (one loop's, or several merged) into a scenario result. */
export function toScenarioResult(o: Omit<MeasureOptions, 'factory'>, r: Recorder, gen: GeneratorHealth): ScenarioResult {
  const limits = o.limits ?? DEFAULT_LIMITS;
  const durationMs = r.endedAt - r.startedAt;
  const latencyMs = summarize(r.latency);
  const uncorrected = r.uncorrected ? summarize(r.uncorrected) : undefined;
  const scheduleLagP99Ms = o.model.type === 'open' ? summarize(r.scheduleLag).p99 : undefined;
  const successRate = r.requests ? ((r.requests - r.errors) / r.requests) * 100 : 0;
  const rps = durationMs > 0 ? (r.requests / durationMs) * 1000 : 0;
  const targetRps = o.model.type === 'open' ? (o.model.schedule.total / o.model.schedule.durationMs) * 1000 : undefined;

  let invalidReason: string | undefined;
  if (scheduleLagP99Ms !== undefined && scheduleLagP99Ms > limits.maxScheduleLagMs) {
    invalidReason = `the load generator dispatched requests ${scheduleLagP99Ms.toFixed(1)} ms late (p99) on its own, over the ${limits.maxScheduleLagMs} ms limit: it could not keep the asked rate; lower the rate or run the generator on a less busy machine`;
  } else if (gen.eventLoopDelayP99Ms > limits.maxEventLoopDelayMs) {
    invalidReason = `the load generator's event loop lagged ${gen.eventLoopDelayP99Ms.toFixed(1)} ms (p99), over the ${limits.maxEventLoopDelayMs} ms limit: its latencies include its own delay; use fewer connections or a lower rate`;
  } else if (r.requests === 0) {
    invalidReason = 'no request was completed';
  } else if (r.errors === r.requests) {
    // Nothing about the server's performance was measured, only that it did not answer right.
    invalidReason = `every request failed (${[...r.causes.keys()].slice(0, 2).join(', ')}): nothing was measured`;
  }
  const at = safeEndpoint(o.url);
  const errorCauses: Record<string, number> = {};
  for (const { count, sample } of r.causes.values()) {
    const cause = typeof sample === 'string' ? sample : classifyError(sample, at);
    errorCauses[cause] = (errorCauses[cause] ?? 0) + count;
  }
  const statusCounts: Record<string, number> = {};
  for (const [s, n] of r.statuses) statusCounts[String(s)] = n;

  const m: Measurement[] = [];
  const put = (metric: string, value: number | undefined, unit: Measurement['unit']) => {
    if (value !== undefined && Number.isFinite(value)) m.push({ metric, value, unit });
  };
  put('requests', r.requests, 'count');
  put('errors', r.errors, 'count');
  put('success_rate', successRate, 'percent');
  put('rps', rps, 'per_second');
  for (const k of ['min', 'mean', 'p50', 'p90', 'p99', 'p999', 'max'] as const) put(`${k}_ms`, latencyMs[k], 'ms');
  if (uncorrected) {
    put('uncorrected_p50_ms', uncorrected.p50, 'ms');
    put('uncorrected_p99_ms', uncorrected.p99, 'ms');
    put('uncorrected_max_ms', uncorrected.max, 'ms');
  }
  put('target_rps', targetRps, 'per_second');
  if (o.model.type === 'open') {
    put('late', r.late, 'count');
    put('dropped', r.dropped, 'count');
  }
  put('invalid', invalidReason ? 1 : 0, 'count');

  const status = invalidReason ? 'fail' : r.errors === 0 ? 'pass' : r.errors === r.requests ? 'fail' : 'warn';
  return {
    name: o.name,
    kind: o.kind,
    scenario: o.scenario,
    target: o.target,
    status,
    validity: invalidReason ? 'INVALID' : 'VALID',
    invalidReason,
    model: o.model.type,
    connections: o.model.type === 'closed' ? o.model.connections : o.model.maxConnections,
    requests: r.requests,
    errors: r.errors,
    successRate,
    rps,
    durationMs,
    latencyMs,
    uncorrectedLatencyMs: uncorrected,
    targetRps,
    late: o.model.type === 'open' ? r.late : undefined,
    dropped: o.model.type === 'open' ? r.dropped : undefined,
    statusCounts,
    errorCauses,
    generator: { ...gen, scheduleLagP99Ms },
    histograms: { latency: encodeHistogram(r.latency), uncorrected: r.uncorrected ? encodeHistogram(r.uncorrected) : undefined },
    slaMs: o.slaMs,
    measurements: m,
  };
}

function safeEndpoint(url: string) {
  try {
    return endpointOf(url, 0);
  } catch {
    return { host: url, port: '' };
  }
}
