import { addHistograms } from '../results/histogram.js';
import type { LatencySummary } from '../results/latency.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import { sum, sumOrUndefined, sumRecords } from '../results/sums.js';
import { SCENARIOS } from '../scenarios/registry.js';
import { mergeTimelines } from './merge-timeline.js';

/** One shard's result, with the shard it came from (for the reasons an INVALID one gives). */
export interface ShardResult {
  shard: number;
  result: ScenarioResult;
}

/**
 * The shards' results of one name as the one result a single process would have made: counts summed,
 * histograms added, rates summed (the shards ran side by side), the worst generator health, and
 * INVALID when any shard's was (its numbers are part of the whole). A shard with no share is left out.
 * What only one kind's results have (a soak's windows, a bus's delivery) its kind merges (`mergeExtras`).
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
    endpoints: first.endpoints
      ? first.endpoints.map((e) =>
          mergeResult(live.map((p) => ({ shard: p.shard, result: p.result.endpoints!.find((x) => x.name === e.name)! }))),
        )
      : undefined,
    notes: [...new Set(rs.flatMap((r) => r.notes ?? []))],
    measurements: [],
    ...SCENARIOS.find((k) => k.kind === first.kind)?.mergeExtras?.(rs),
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
