import { classifyError, endpointOf } from '../protocols/network-errors.js';
import type { Measurement } from '../results/measurement.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import type { GeneratorHealth } from './generator-health.js';
import { encodeHistogram, summarize } from '../results/histogram.js';
import type { GeneratorLimits, LoadModel } from './measure.js';
import { MAX_START_LATE_MS } from './shard.js';
import { MAX_OPENING } from './open-loop.js';
import type { Recorder } from './recorder.js';

/** What a result is, beyond what its recorder saw. */
export interface ResultInfo {
  name: string;
  kind: string;
  scenario: string;
  target: string;
  /** For wording connection errors. */
  url: string;
  /** The protocol's own wording of a failure, when it has one (Redis, PostgreSQL). */
  explain?: (err: unknown) => string;
  model: LoadModel;
  limits: GeneratorLimits;
  /** Percent of requests that must succeed for the result's latency and throughput to count. */
  successPct: number;
  slaMs?: number;
  level?: number;
  /** A mix entry's share of the schedule's arrivals (its rate asked is that share of the whole). */
  share?: number;
  /** With a common start (--start-at): how late this process began its schedule. */
  startLateMs?: number;
}

/** Share of requests that may wait for a connection (the cap bound) before the latencies are the generator's, not the server's. */
export const MAX_QUEUED_SHARE = 0.01;

/** Turns what a recorder saw (one loop's, or several merged) into a scenario result. */
export function toScenarioResult(o: ResultInfo, r: Recorder, gen: GeneratorHealth): ScenarioResult {
  const durationMs = r.endedAt - r.startedAt;
  const activeMs = (r.activeUntil || r.endedAt) - r.startedAt;
  const latencyMs = summarize(r.latency);
  const uncorrected = r.uncorrected ? summarize(r.uncorrected) : undefined;
  const open = o.model.type === 'open' ? o.model : undefined;
  const scheduleLagP99Ms = open ? summarize(r.scheduleLag).p99 : undefined;
  const successRate = r.requests ? ((r.requests - r.errors) / r.requests) * 100 : 0;
  const rps = activeMs > 0 ? (r.requests / activeMs) * 1000 : 0;
  const targetRps = open ? ((open.schedule.total / open.schedule.durationMs) * 1000 * (o.share ?? 1)) : undefined;
  const errorCauses = wordCauses(r, o.url, o.explain);
  const invalidReason = invalidity(o, r, gen, scheduleLagP99Ms, errorCauses);
  const overBudget = r.requests > 0 && successRate < o.successPct;
  const statusCounts: Record<string, number> = {};
  for (const [s, n] of r.statuses) statusCounts[String(s)] = n;
  const result: ScenarioResult = {
    name: o.name,
    kind: o.kind,
    scenario: o.scenario,
    target: o.target,
    status: invalidReason || overBudget ? 'fail' : r.errors === 0 ? 'pass' : 'warn',
    validity: invalidReason ? 'INVALID' : 'VALID',
    invalidReason,
    model: o.model.type,
    connections: o.model.type === 'closed' ? o.model.connections : o.model.maxConnections,
    requests: r.requests,
    errors: r.errors,
    successRate,
    successRequired: o.successPct,
    rps,
    durationMs,
    latencyMs,
    uncorrectedLatencyMs: uncorrected,
    targetRps,
    late: open ? r.late : undefined,
    dropped: open ? r.dropped : undefined,
    queued: open ? r.queued : undefined,
    statusCounts,
    errorCauses,
    timeline: r.timelineResult(),
    ...(o.startLateMs !== undefined && { startLateMs: o.startLateMs }),
    generator: { ...gen, scheduleLagP99Ms },
    histograms: { latency: encodeHistogram(r.latency), uncorrected: r.uncorrected ? encodeHistogram(r.uncorrected) : undefined },
    slaMs: o.slaMs,
    ...(o.level !== undefined && { level: o.level }),
    measurements: [],
  };
  result.measurements = scenarioMeasurements(result, overBudget);
  return result;
}

/** Why the numbers are not the server's, if they are not: the generator fell behind, queued, or measured nothing. */
function invalidity(o: ResultInfo, r: Recorder, gen: GeneratorHealth, scheduleLagP99Ms: number | undefined, causes: Record<string, number>): string | undefined {
  const { limits } = o;
  if (o.startLateMs !== undefined && o.startLateMs > MAX_START_LATE_MS) {
    return `this shard began its schedule ${(o.startLateMs / 1000).toFixed(1)} s after the common start (--start-at), over the ${MAX_START_LATE_MS / 1000} s bound: its arrivals were not the asked ones; start the shards earlier or give --start-at more lead`;
  }
  if (r.abandoned > 0) {
    return `${r.abandonedWhy}, so it gave up: ${r.abandoned.toLocaleString('en-US')} of the ${r.requests.toLocaleString('en-US')} requests due were never sent; lower the rate${o.model.type === 'open' ? ` or raise maxConnections (${o.model.maxConnections})` : ''}, or run the load from more machines`;
  }
  if (scheduleLagP99Ms !== undefined && scheduleLagP99Ms > limits.maxScheduleLagMs) {
    return `the load generator dispatched requests ${scheduleLagP99Ms.toFixed(1)} ms late (p99) on its own, over the ${limits.maxScheduleLagMs} ms limit: it could not keep the asked rate; lower the rate or run the generator on a less busy machine`;
  }
  if (gen.eventLoopDelayP99Ms > limits.maxEventLoopDelayMs) {
    return `the load generator's event loop lagged ${gen.eventLoopDelayP99Ms.toFixed(1)} ms (p99), over the ${limits.maxEventLoopDelayMs} ms limit: its latencies include its own delay; use fewer connections or a lower rate`;
  }
  if (r.requests === 0) return 'no request was completed: nothing was measured';
  if (o.model.type === 'open' && r.queued > r.requests * MAX_QUEUED_SHARE) {
    const share = ((r.queued / r.requests) * 100).toFixed(1);
    return `${r.queued.toLocaleString('en-US')} requests (${share}%) waited for a free connection (the generator opens ${MAX_OPENING} at a time, up to maxConnections ${o.model.maxConnections}): their latency includes the generator's own queue, not only the server's; raise maxConnections (--max-connections) if it was reached, or lower the rate per process (--shard, --workers)`;
  }
  if (r.errors === r.requests) return `every request failed (${Object.keys(causes).slice(0, 2).join('; ')}): nothing about the server's speed was measured`;
  return undefined;
}

/** Each distinct failure in one line a person understands, with how often it happened. */
function wordCauses(r: Recorder, url: string, explain?: (err: unknown) => string): Record<string, number> {
  const at = safeEndpoint(url);
  const out: Record<string, number> = {};
  for (const { count, sample } of r.causes.values()) {
    const cause = typeof sample === 'string' ? sample : (explain ?? ((e: unknown) => classifyError(e, at)))(sample);
    out[cause] = (out[cause] ?? 0) + count;
  }
  return out;
}

/**
 * What criteria read. Latency and throughput only when something was measured: a result with no request
 * has no p99 (a criterion on it is NOT RUN), never a p99 of 0.
 */
export function scenarioMeasurements(s: ScenarioResult, overBudget: boolean): Measurement[] {
  const m: Measurement[] = [];
  const put = (metric: string, value: number | undefined, unit: Measurement['unit']) => {
    if (value !== undefined && Number.isFinite(value)) m.push({ metric, value, unit });
  };
  put('requests', s.requests, 'count');
  put('errors', s.errors, 'count');
  put('over_error_budget', overBudget ? 1 : 0, 'count');
  put('invalid', s.validity === 'INVALID' ? 1 : 0, 'count');
  put('target_rps', s.targetRps, 'per_second');
  if (s.model === 'open') {
    put('late', s.late, 'count');
    put('dropped', s.dropped, 'count');
    put('queued', s.queued, 'count');
  }
  if (s.requests === 0) return m;
  put('success_rate', s.successRate, 'percent');
  put('rps', s.rps, 'per_second');
  for (const k of ['min', 'mean', 'p50', 'p90', 'p99', 'p999', 'max'] as const) put(`${k}_ms`, s.latencyMs[k], 'ms');
  if (s.uncorrectedLatencyMs) {
    put('uncorrected_p50_ms', s.uncorrectedLatencyMs.p50, 'ms');
    put('uncorrected_p99_ms', s.uncorrectedLatencyMs.p99, 'ms');
    put('uncorrected_max_ms', s.uncorrectedLatencyMs.max, 'ms');
  }
  return m;
}

function safeEndpoint(url: string) {
  try {
    return endpointOf(url, 0);
  } catch {
    return { host: url, port: '' };
  }
}
