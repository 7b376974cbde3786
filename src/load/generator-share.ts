import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { LatencyDistribution, LatencySummary } from '../results/latency.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import { DELAY_PERCENTILES, SATURATED_PCT } from './generator-health.js';

/** The levels a latency is quoted at, each with its share of requests above it (min and mean have none). */
const LEVELS = { min: undefined, mean: undefined, p50: 0.5, p90: 0.1, p99: 0.01, p999: 0.001, max: 0 } as const;
export type Level = keyof typeof LEVELS;
const PERCENTILE: Record<Level, number | undefined> = { min: 0, mean: undefined, p50: 50, p90: 90, p99: 99, p999: 99.9, max: 100 };

/**
 * How much of each number the generator itself may account for: its error bar. A latency at a level may
 * hold the generator's lateness in sending (the open model's schedule lag there) and its own delay in
 * noticing the answer (its event loop's wake-up delay there); when the target runs on this machine, its
 * server waited for the same CPUs, one more wake-up. A level the sample cannot support (the p99 of 14
 * requests is their slowest) takes the share at the slowest. No share exceeds the latency it is part of:
 * a delay can only add to one (and one sampled while the generator's own loop was busy may be longer than
 * a fast request). Closed-model throughput follows latency: without the share, rps could be connections /
 * (latency - share); a saturated generator may be hiding any amount of it.
 */
export function generatorShare(r: ScenarioResult): { latencyMs: LatencySummary; rps: number } {
  const g = r.generator;
  const at = shareAt(g);
  // A delay can only add to a latency: the generator's part of one is at most the latency itself.
  const supported = (k: Level) => {
    const above = LEVELS[k];
    return Math.min(r.latencyMs[k], above === undefined || r.requests * above >= 1 ? at(k) : at('max'));
  };
  const modelled = Object.fromEntries(Object.keys(LEVELS).map((k) => [k, supported(k as Level)])) as unknown as LatencySummary;
  const latencyMs = sharedMachineTail(r, modelled);
  return { latencyMs, rps: round(rpsShare(r, latencyMs.mean)) };
}

/** The levels above the median, where a busy machine's scheduling delays land. */
const TAIL: Level[] = ['mean', 'p90', 'p99', 'p999', 'max'];

/**
 * On a busy machine the target shares, its server waits for CPUs in ways the generator's own delay does
 * not sample (a hog holds a core for a whole slice; the server's timers fire late): a 3 ms server read
 * p99 44 ms with four busy loops beside it. Everything above its median may then be the machine's: the
 * share at a tail level is at least that level's distance from the median (plus the median's own share).
 * A platform slow at its median is still NOT MET; its tail alone cannot be judged on such a machine.
 */
function sharedMachineTail(r: ScenarioResult, share: LatencySummary): LatencySummary {
  const out = { ...share };
  if (r.generator.local && r.generator.busyMachine)
    for (const k of TAIL) out[k] = Math.min(r.latencyMs[k], Math.max(share[k], r.latencyMs[k] - r.latencyMs.p50 + share.p50));
  for (const k of Object.keys(out) as Level[]) out[k] = round(out[k]);
  return out;
}

/**
 * The share at a level: the quantile of the sum of the independent delays a request meets (the send's
 * lag, a local server's wake-up, the generator's wake-up to read the answer), from their distributions.
 * Adding each one's p99 would have every tail strike the same request. Without distributions (a report of
 * an older version), their levels added: wider, never narrower.
 */
function shareAt(g: ScenarioResult['generator']): (k: Level) => number {
  const parts: LatencyDistribution[] = [
    ...(g.scheduleLagMs ? [g.scheduleLagMs] : []),
    ...(g.delayMs ? (g.local ? [g.delayMs, g.delayMs] : [g.delayMs]) : []),
  ];
  if (parts.length === 0) return () => 0;
  const mean = parts.reduce((a, d) => a + d.mean, 0);
  if (parts.some((d) => !d.quantiles)) return (k) => (k === 'mean' ? mean : parts.reduce((a, d) => a + d[k], 0));
  const sums = sumOf(parts.map((d) => d.quantiles!));
  return (k) => (k === 'mean' ? mean : quantile(sums, PERCENTILE[k]!));
}

/** A delay's distribution as weighted values: each interval between two recorded percentiles, at its upper end (never under the truth). */
type Weighted = { value: number; weight: number }[];

function weighted(table: number[]): Weighted {
  return DELAY_PERCENTILES.slice(1).map((p, i) => ({ value: table[i + 1], weight: (p - DELAY_PERCENTILES[i]) / 100 }));
}

/** The distribution of a sum of independent delays, each given by its quantile table, sorted by value. */
function sumOf(tables: number[][]): Weighted {
  let sums: Weighted = [{ value: 0, weight: 1 }];
  for (const t of tables) sums = sums.flatMap((a) => weighted(t).map((b) => ({ value: a.value + b.value, weight: a.weight * b.weight })));
  return sums.sort((a, b) => a.value - b.value);
}

/** The smallest value with at least p percent of the weight at or under it; p = 100 is the largest. */
function quantile(sorted: Weighted, p: number): number {
  let seen = 0;
  for (const x of sorted) {
    seen += x.weight;
    if (seen * 100 >= p - 1e-9 && p < 100) return x.value;
  }
  return sorted[sorted.length - 1].value;
}

function rpsShare(r: ScenarioResult, meanShareMs: number): number {
  if ((r.generator.busyPct ?? 0) >= SATURATED_PCT) return r.rps;
  // The open model sends on its schedule whatever the answers: its throughput is not the generator's to bend.
  if (r.model === 'open' || r.requests === 0) return 0;
  const latency = r.latencyMs.mean;
  const left = latency - meanShareMs;
  return left <= latency / 2 ? r.rps : (r.rps * meanShareMs) / left;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Whether a URL's host is this machine (loopback, or one of its own addresses): its server shares our CPUs. */
export function sharesThisMachine(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (!isIP(host)) return false;
  if (host.startsWith('127.') || host === '::1') return true;
  return Object.values(networkInterfaces()).some((list) => list?.some((a) => a.address === host));
}
