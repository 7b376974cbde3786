import { classifyError, endpointOf } from '../protocols/network-errors.js';
import type { Measurement } from '../results/measurement.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import type { LatencySummary } from '../results/latency.js';
import { DELAY_PERCENTILES, generatorCause, type GeneratorHealth } from './generator-health.js';
import { machineBusy, machineLoad } from '../util/machine-load.js';
import { generatorShare, sharesThisMachine } from './generator-share.js';
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
  const scheduleLag = open ? summarize(r.scheduleLag) : undefined;
  const successRate = r.requests ? ((r.requests - r.errors) / r.requests) * 100 : 0;
  // What the server answered per second: never a request that was not sent, or one that got no answer.
  const rps = activeMs > 0 ? (r.answered / activeMs) * 1000 : 0;
  const errorCauses = wordCauses(r, o.url, o.explain);
  const overBudget = r.requests > 0 && successRate < o.successPct;
  const result: ScenarioResult = {
    name: o.name,
    kind: o.kind,
    scenario: o.scenario,
    target: o.target,
    // Errors over the budget are the platform's whatever the generator did; an INVALID result is otherwise not judged.
    status: overBudget ? 'fail' : r.errors === 0 ? 'pass' : 'warn',
    validity: 'VALID',
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
    ...scheduleCounts(o, r),
    statusCounts: Object.fromEntries([...r.statuses].map(([code, n]) => [String(code), n])),
    errorCauses,
    timeline: r.timelineResult(),
    ...(o.startLateMs !== undefined && { startLateMs: o.startLateMs }),
    generator: generatorOf(o, r, gen, scheduleLag),
    histograms: { latency: encodeHistogram(r.latency), uncorrected: r.uncorrected && encodeHistogram(r.uncorrected) },
    slaMs: o.slaMs,
    ...(o.level !== undefined && { level: o.level }),
    ...(o.levelName && { levelName: o.levelName }),
    measurements: [],
  };
  const share = generatorShare(result);
  result.generator.shareMs = share.latencyMs;
  result.generator.shareRps = share.rps;
  const invalidReason = invalidity(o, r, result);
  if (invalidReason) {
    result.validity = 'INVALID';
    result.invalidReason = invalidReason;
    if (!overBudget) result.status = 'inconclusive';
  }
  result.measurements = scenarioMeasurements(result, overBudget);
  return result;
}

/** The open model's schedule: the rate asked (this share of it), and the requests sent late, never sent, or queued. */
function scheduleCounts(o: ResultInfo, r: Recorder): Partial<ScenarioResult> {
  const open = o.model.type === 'open' ? o.model : undefined;
  return {
    targetRps: open && (open.schedule.total / open.schedule.durationMs) * 1000 * (o.share ?? 1),
    late: open && r.late,
    dropped: open && r.dropped,
    ...(r.abandoned > 0 && { abandoned: r.abandoned }),
    queued: open && r.queued,
  };
}

/** The generator's own health over the run: its lag, delay and memory, and how busy this machine was. */
function generatorOf(o: ResultInfo, r: Recorder, gen: GeneratorHealth, scheduleLag?: LatencySummary): ScenarioResult['generator'] {
  const { delayMs, ...health } = gen;
  return {
    ...health,
    scheduleLagP99Ms: scheduleLag?.p99,
    ...(scheduleLag && {
      scheduleLagMs: { ...scheduleLag, quantiles: DELAY_PERCENTILES.map((q) => r.scheduleLag.getValueAtPercentile(q) / 1000) },
    }),
    ...(delayMs && { delayMs: { ...delayMs } }),
    local: sharesThisMachine(o.url),
    ...(machineBusy(gen) && { busyMachine: machineLoad(gen) }),
  };
}

/**
 * Why the numbers are not the server's, if they are not: the generator gave up or queued, a shard started
 * late, or its own delay is most of what was measured at the highest level the sample supports. A delay
 * that is a small part of the numbers is their error bar (the margin each measurement carries), not a
 * reason to discard them. Each reason ends with its cause and what to do. (Requests that all failed are
 * the platform's failure, judged by the error budget, not a reason to doubt the generator.)
 */
function invalidity(o: ResultInfo, r: Recorder, s: ScenarioResult): string | undefined {
  const gen = s.generator as GeneratorHealth;
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
  if (r.requests === 0) return 'no request was sent: nothing was measured';
  const own = ownDelay(o, s, r);
  if (own) return own;
  // Behind the platform's own clients (WebSocket), the queue is the platform's and timed in full: not a doubt.
  if (o.model.type === 'open' && o.model.clientQueueTimeoutMs === undefined && r.queued > due * MAX_QUEUED_SHARE) {
    const share = ((r.queued / due) * 100).toFixed(1);
    return `${r.queued.toLocaleString('en-US')} requests (${share}%) waited for a free connection (the generator opens ${MAX_OPENING} at a time, up to maxConnections ${o.model.maxConnections}): their latency includes the generator's own queue, not only the server's; raise maxConnections (--max-connections) if it was reached, or lower the rate per process (--shard, --workers)`;
  }
  return undefined;
}

/** At least this many requests lie above a level a validity judgement reads: one late request in fourteen is no p99. */
const SUPPORT = 3;

/**
 * The generator's own delay at the highest level its sample supports (p99 with 300 requests or more; the
 * level with three requests above it otherwise), when it is over its limit and at least half of the
 * latency measured there: then the numbers are mostly the generator's.
 */
function ownDelay(o: ResultInfo, s: ScenarioResult, r: Recorder): string | undefined {
  const q = Math.min(99, 100 * (1 - SUPPORT / r.requests));
  if (q <= 0) return undefined;
  const gen = s.generator as GeneratorHealth;
  const latency = r.latency.getValueAtPercentile(q) / 1000;
  const lag = o.model.type === 'open' ? r.scheduleLag.getValueAtPercentile(q) / 1000 : 0;
  const level = q >= 99 ? 'p99' : `the ${Math.floor(q)}th percentile`;
  const d = s.generator.delayMs;
  const delay = d ? (q >= 99 ? d.p99 : q >= 90 ? d.p90 : d.p50) : gen.eventLoopDelayP99Ms;
  const busy = machineBusy(gen) ? `, ${machineLoad(gen)}` : '';
  if (lag > o.limits.maxScheduleLagMs && lagMatters(lag, latency))
    return `the load generator sent requests ${lag.toFixed(1)} ms late at ${level} of ${r.requests.toLocaleString('en-US')}, over the ${o.limits.maxScheduleLagMs} ms limit and most of the ${latency.toFixed(1)} ms measured there${busy}, so the numbers are the generator's more than the server's; ${generatorCause(gen)}`;
  if (delay > o.limits.maxEventLoopDelayMs && lagMatters(delay, latency))
    return `the load generator was held up ${delay.toFixed(1)} ms at a time (${level} of its event loop), over the ${o.limits.maxEventLoopDelayMs} ms limit and most of the ${latency.toFixed(1)} ms measured there${busy}; ${generatorCause(gen)}`;
  return undefined;
}

/**
 * Whether the generator's own delay could be what the measured tail shows: a stall can only add to a
 * request's latency, so one far longer than the measured level evidently hit fewer requests (the level
 * stands), and one far shorter than it is a small part of it (its error bar).
 */
export function lagMatters(lagMs: number, latencyMs: number): boolean {
  return latencyMs >= lagMs / 2 && lagMs >= latencyMs / 2;
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
  const put = (metric: string, value: number | undefined, unit: Measurement['unit'], margin?: number) => {
    if (value !== undefined && Number.isFinite(value)) m.push({ metric, value, unit, ...(margin && { margin }) });
  };
  const share = s.generator.shareMs;
  put('requests', s.requests, 'count');
  put('errors', s.errors, 'count');
  put('over_error_budget', overBudget ? 1 : 0, 'count');
  if (s.validity === 'INVALID') m.push({ metric: 'invalid', value: 1, unit: 'count', ...(s.invalidReason && { why: s.invalidReason }) });
  else put('invalid', 0, 'count');
  put('target_rps', s.targetRps, 'per_second');
  if (s.model === 'open') {
    put('late', s.late, 'count');
    put('dropped', s.dropped, 'count');
    put('queued', s.queued, 'count');
  }
  if (s.requests === 0) return m;
  put('success_rate', s.successRate, 'percent');
  put('rps', s.rps, 'per_second', s.generator.shareRps);
  for (const k of ['min', 'mean', 'p50', 'p90', 'p99', 'p999', 'max'] as const) put(`${k}_ms`, s.latencyMs[k], 'ms', share?.[k]);
  if (s.uncorrectedLatencyMs) {
    put('uncorrected_p50_ms', s.uncorrectedLatencyMs.p50, 'ms', share?.p50);
    put('uncorrected_p99_ms', s.uncorrectedLatencyMs.p99, 'ms', share?.p99);
    put('uncorrected_max_ms', s.uncorrectedLatencyMs.max, 'ms', share?.max);
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
