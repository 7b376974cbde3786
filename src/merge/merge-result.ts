import { decodeHistogram, encodeHistogram, newHistogram, summarize, type Histogram } from '../results/histogram.js';
import type { LatencySummary } from '../results/latency.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import type { WindowResult } from '../results/window-result.js';
import { mergeTimelines } from './merge-timeline.js';

/** One shard's result, with the shard it came from (for the reasons an INVALID one gives). */
export interface ShardResult {
  shard: number;
  result: ScenarioResult;
}

/** HdrHistograms added: the union's distribution, exactly (never an average of percentiles). */
export function addHistograms(encoded: string[]): { histogram: Histogram; encoded: string; summary: LatencySummary } {
  const h = newHistogram();
  for (const e of encoded) h.add(decodeHistogram(e));
  return { histogram: h, encoded: encodeHistogram(h), summary: summarize(h) };
}

const sum = (xs: (number | undefined)[]) => xs.reduce<number>((a, b) => a + (b ?? 0), 0);
const sumOrUndefined = (xs: (number | undefined)[]) => (xs.every((x) => x === undefined) ? undefined : sum(xs));

function sumRecords(rs: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rs) for (const [k, v] of Object.entries(r)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/**
 * The shards' results of one name as the one result a single process would have made: counts summed,
 * histograms added, rates summed (the shards ran side by side), the worst generator health, and
 * INVALID when any shard's was (its numbers are part of the whole). A shard with no share is left out.
 * Measurements are not set here: they are recomputed from the merged fields (merge-measurements.ts).
 */
export function mergeResult(parts: ShardResult[]): ScenarioResult {
  const live = parts.filter((p) => p.result.status !== 'skip' || p.result.requests > 0);
  if (live.length === 0) return parts[0].result;
  const rs = live.map((p) => p.result);
  const first = rs[0];
  const latency = addHistograms(rs.map((r) => r.histograms.latency));
  const uncorrected = rs.every((r) => r.histograms.uncorrected) ? addHistograms(rs.map((r) => r.histograms.uncorrected!)) : undefined;
  const requests = sum(rs.map((r) => r.requests));
  const errors = sum(rs.map((r) => r.errors));
  const invalid = live.filter((p) => p.result.validity === 'INVALID');
  const successRate = requests ? ((requests - errors) / requests) * 100 : 0;
  const merged: ScenarioResult = {
    ...first,
    requests,
    errors,
    successRate,
    connections: sum(rs.map((r) => r.connections)),
    rps: sum(rs.map((r) => r.rps)),
    targetRps: sumOrUndefined(rs.map((r) => r.targetRps)),
    durationMs: Math.max(...rs.map((r) => r.durationMs)),
    late: sumOrUndefined(rs.map((r) => r.late)),
    dropped: sumOrUndefined(rs.map((r) => r.dropped)),
    queued: sumOrUndefined(rs.map((r) => r.queued)),
    statusCounts: sumRecords(rs.map((r) => r.statusCounts)),
    errorCauses: sumRecords(rs.map((r) => r.errorCauses)),
    latencyMs: latency.summary,
    uncorrectedLatencyMs: uncorrected?.summary,
    histograms: { latency: latency.encoded, ...(uncorrected && { uncorrected: uncorrected.encoded }) },
    generator: worstGenerator(rs),
    validity: invalid.length ? 'INVALID' : 'VALID',
    invalidReason: invalid.length ? invalid.map((p) => `shard ${p.shard}: ${p.result.invalidReason}`).join('; ') : undefined,
    startLateMs: rs.some((r) => r.startLateMs !== undefined) ? Math.max(...rs.map((r) => r.startLateMs ?? 0)) : undefined,
    timeline: mergeTimelines(rs.map((r) => r.timeline)),
    windows: first.windows ? mergeWindows(rs.map((r) => r.windows ?? [])) : undefined,
    endpoints: first.endpoints
      ? first.endpoints.map((e) =>
          mergeResult(live.map((p) => ({ shard: p.shard, result: p.result.endpoints!.find((x) => x.name === e.name)! }))),
        )
      : undefined,
    delivery: first.delivery ? mergeDelivery(rs) : undefined,
    sessions: first.sessions ? mergeSessions(rs) : undefined,
    notes: [...new Set(rs.flatMap((r) => r.notes ?? []))],
    measurements: [],
  };
  const overBudget = requests > 0 && successRate < merged.successRequired;
  merged.status = merged.validity === 'INVALID' || overBudget ? 'fail' : errors ? 'warn' : 'pass';
  if (merged.notes!.length === 0) delete merged.notes;
  return merged;
}

function worstGenerator(rs: ScenarioResult[]): ScenarioResult['generator'] {
  const lag = rs.map((r) => r.generator.scheduleLagP99Ms).filter((x): x is number => x !== undefined);
  return {
    eventLoopDelayP99Ms: Math.max(...rs.map((r) => r.generator.eventLoopDelayP99Ms)),
    eventLoopDelayMaxMs: Math.max(...rs.map((r) => r.generator.eventLoopDelayMaxMs)),
    maxRssMb: Math.max(...rs.map((r) => r.generator.maxRssMb)),
    ...(lag.length && { scheduleLagP99Ms: Math.max(...lag) }),
    ...worstShare(rs),
  };
}

/**
 * The merged numbers' error bars: at each level the widest any shard had (a merged percentile may be any
 * shard's), and for throughput the shards' added (their rates add up). A busy machine anywhere is said.
 */
function worstShare(rs: ScenarioResult[]): Partial<ScenarioResult['generator']> {
  const shares = rs.flatMap((r) => (r.generator.shareMs ? [r.generator.shareMs] : []));
  const busy = rs.find((r) => r.generator.busyMachine)?.generator.busyMachine;
  const levels = ['min', 'mean', 'p50', 'p90', 'p99', 'p999', 'max'] as const;
  return {
    ...(shares.length && {
      shareMs: Object.fromEntries(levels.map((k) => [k, Math.max(...shares.map((s) => s[k]))])) as unknown as LatencySummary,
    }),
    ...(rs.some((r) => r.generator.shareRps) && { shareRps: rs.reduce((a, r) => a + (r.generator.shareRps ?? 0), 0) }),
    ...(rs.some((r) => r.generator.local) && { local: true }),
    ...(busy && { busyMachine: busy }),
  };
}

/** A soak's windows, window by window: counts summed, histograms added; the infrastructure as the first shard sampled it. */
function mergeWindows(shards: WindowResult[][]): WindowResult[] {
  const longest = shards.reduce((a, b) => (b.length > a.length ? b : a), []);
  return longest.map((w, i) => {
    const same = shards.map((s) => s[i]).filter((x): x is WindowResult => x !== undefined);
    const h = addHistograms(same.map((x) => x.histogram));
    const requests = sum(same.map((x) => x.requests));
    const errors = sum(same.map((x) => x.errors));
    return {
      ...w,
      requests,
      errors,
      errorRate: requests ? (errors / requests) * 100 : 0,
      rps: sum(same.map((x) => x.rps)),
      latencyMs: h.summary,
      histogram: h.encoded,
      infra: same.find((x) => x.infra.length)?.infra ?? [],
    };
  });
}

function mergeDelivery(rs: ScenarioResult[]): ScenarioResult['delivery'] {
  const ds = rs.map((r) => r.delivery!).filter(Boolean);
  return {
    published: sum(ds.map((d) => d.published)),
    delivered: sum(ds.map((d) => d.delivered)),
    lost: sum(ds.map((d) => d.lost)),
    publishFailed: sum(ds.map((d) => d.publishFailed)),
    duplicated: sum(ds.map((d) => d.duplicated)),
    outOfOrder: sum(ds.map((d) => d.outOfOrder)),
    // Each shard had its own channel: the longest gap any of them saw.
    maxGapMs: Math.max(...ds.map((d) => d.maxGapMs)),
  };
}

function mergeSessions(rs: ScenarioResult[]): ScenarioResult['sessions'] {
  const ss = rs.map((r) => r.sessions!).filter(Boolean);
  return {
    opened: sum(ss.map((s) => s.opened)),
    failed: sum(ss.map((s) => s.failed)),
    disconnects: sum(ss.map((s) => s.disconnects)),
    // Open times have no histogram in the report: the slowest shard's, an upper bound.
    openP50Ms: Math.max(...ss.map((s) => s.openP50Ms)),
    openP99Ms: Math.max(...ss.map((s) => s.openP99Ms)),
    causes: sumRecords(ss.map((s) => s.causes)),
  };
}
