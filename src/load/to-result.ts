import { classifyError, endpointOf } from '../protocols/network-errors.js';
import type { Measurement } from '../results/measurement.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import { generatorCause, type GeneratorHealth } from './generator-health.js';
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
  levelName?: string;
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
  // What the server answered per second: never a request that was not sent, or one that got no answer.
  const rps = activeMs > 0 ? (r.answered / activeMs) * 1000 : 0;
  const targetRps = open ? (open.schedule.total / open.schedule.durationMs) * 1000 * (o.share ?? 1) : undefined;
  const errorCauses = wordCauses(r, o.url, o.explain);
  const invalidReason = invalidity(o, r, gen, scheduleLagP99Ms, latencyMs.p99);
  const overBudget = r.requests > 0 && successRate < o.successPct;
  const statusCounts: Record<string, number> = {};
  for (const [s, n] of r.statuses) statusCounts[String(s)] = n;
  const result: ScenarioResult = {
    name: o.name,
    kind: o.kind,
    scenario: o.scenario,
    target: o.target,
    // Errors over the budget are the platform's whatever the generator did; an INVALID result is otherwise not judged.
    status: overBudget ? 'fail' : invalidReason ? 'inconclusive' : r.errors === 0 ? 'pass' : 'warn',
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
    ...(r.abandoned > 0 && { abandoned: r.abandoned }),
    queued: open ? r.queued : undefined,
    statusCounts,
    errorCauses,
    timeline: r.timelineResult(),
    ...(o.startLateMs !== undefined && { startLateMs: o.startLateMs }),
    generator: { ...gen, scheduleLagP99Ms },
    histograms: { latency: encodeHistogram(r.latency), uncorrected: r.uncorrected ? encodeHistogram(r.uncorrected) : undefined },
    slaMs: o.slaMs,
    ...(o.level !== undefined && { level: o.level }),
    ...(o.levelName && { levelName: o.levelName }),
    measurements: [],
  };
  result.measurements = scenarioMeasurements(result, overBudget);
  return result;
}

/**
 * Why the numbers are not the server's, if they are not: the generator fell behind or queued, a shard
 * started late. Each reason ends with its cause and what to do. (Requests that all failed are the
 * platform's failure, judged by the error budget, not a reason to doubt the generator.)
 */
function invalidity(
  o: ResultInfo,
  r: Recorder,
  gen: GeneratorHealth,
  scheduleLagP99Ms: number | undefined,
  p99Ms: number,
): string | undefined {
  const { limits } = o;
  if (o.startLateMs !== undefined && o.startLateMs > MAX_START_LATE_MS) {
    return `this shard began its schedule ${(o.startLateMs / 1000).toFixed(1)} s after the common start (--start-at), over the ${MAX_START_LATE_MS / 1000} s bound: its arrivals were not the asked ones; start the shards earlier or give --start-at more lead`;
  }
  const due = r.requests + r.abandoned + r.dropped;
  if (r.abandoned > 0) {
    // A full queue is the connection cap's doing only while the generator had time to spare; saturated, it is the generator's.
    const capped = r.abandonedBy === 'queue' && (gen.busyPct ?? 0) < 90;
    const cause = capped
      ? `every connection was busy (maxConnections ${o.model.type === 'open' ? o.model.maxConnections : '?'}): raise --max-connections, or lower the rate per process (--workers N, shards)`
      : generatorCause(gen);
    return `${r.abandonedWhy}, so it gave up: ${r.abandoned.toLocaleString('en-US')} of the ${due.toLocaleString('en-US')} requests due were never sent; ${cause}`;
  }
  if (scheduleLagP99Ms !== undefined && scheduleLagP99Ms > limits.maxScheduleLagMs && lagMatters(scheduleLagP99Ms, p99Ms)) {
    return `the load generator sent requests ${scheduleLagP99Ms.toFixed(1)} ms late (p99), over the ${limits.maxScheduleLagMs} ms limit, so the asked rate was not the one sent; ${generatorCause(gen)}`;
  }
  if (gen.eventLoopDelayP99Ms > limits.maxEventLoopDelayMs && lagMatters(gen.eventLoopDelayP99Ms, p99Ms)) {
    return `the load generator was held up ${gen.eventLoopDelayP99Ms.toFixed(1)} ms at a time (p99 of its event loop), over the ${limits.maxEventLoopDelayMs} ms limit and within reach of the p99 measured (${p99Ms.toFixed(1)} ms); ${generatorCause(gen)}`;
  }
  if (r.requests === 0) return 'no request was sent: nothing was measured';
  // Behind the platform's own clients (WebSocket), the queue is the platform's and timed in full: not a doubt.
  if (o.model.type === 'open' && o.model.clientQueueTimeoutMs === undefined && r.queued > due * MAX_QUEUED_SHARE) {
    const share = ((r.queued / due) * 100).toFixed(1);
    return `${r.queued.toLocaleString('en-US')} requests (${share}%) waited for a free connection (the generator opens ${MAX_OPENING} at a time, up to maxConnections ${o.model.maxConnections}): their latency includes the generator's own queue, not only the server's; raise maxConnections (--max-connections) if it was reached, or lower the rate per process (--shard, --workers)`;
  }
  return undefined;
}

/**
 * Whether the generator's own delay could be what the measured tail shows: a stall can only add to a
 * request's latency, so one far longer than the measured p99 evidently hit under 1% of the requests (the
 * p99 stands), and one far shorter than it is a small part of it.
 */
export function lagMatters(lagMs: number, p99Ms: number): boolean {
  return p99Ms >= lagMs / 2 && lagMs >= p99Ms / 10;
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
