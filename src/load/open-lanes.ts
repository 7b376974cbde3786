import type { ConnectionFactory, LoadConnection } from './types.js';
import type { Recorder } from './recorder.js';

/** One kind of request of a mix: its connections, its share of the arrivals, and its own counts. */
export interface Lane {
  factory: ConnectionFactory;
  weight: number;
  /** Counts of this lane alone (a mix's per-endpoint rows); everything is also recorded in the main recorder. */
  recorder?: Recorder;
}

/** A lane as the open loop runs it: its pool (idle and all) and its queue of due times waiting for a connection. */
export interface LiveLane extends Lane {
  idle: LoadConnection[];
  all: LoadConnection[];
  queue: number[];
  /** Index of the first queue entry still waiting (entries before it were sent or expired). */
  head: number;
}

/** Arrivals' worth of time the connections opened before the schedule starts can carry: 10 ms at the asked rate. */
const WARM_MS = 10;
/** Connections opened before the start at most: more open on demand. */
const WARM_MAX = 64;

/**
 * Opens, before the first due time, the connections a steady stream at the asked rate keeps busy (10 ms of
 * arrivals, at least 4 per run), shared by the lanes by weight: the first arrivals then find a connection
 * ready instead of all opening one at once. More open on demand, MAX_OPENING at a time.
 */
export function warmUp(lanes: LiveLane[], o: { maxConnections: number; schedule: { total: number; durationMs: number } }): void {
  const rate = o.schedule.durationMs > 0 ? (o.schedule.total / o.schedule.durationMs) * 1000 : 0;
  const total = Math.min(o.maxConnections, WARM_MAX, Math.max(4, Math.ceil((rate * WARM_MS) / 1000)), o.schedule.total);
  const weights = lanes.reduce((a, l) => a + l.weight, 0);
  for (const lane of lanes) {
    const n = Math.min(o.maxConnections, Math.max(1, Math.round((total * lane.weight) / weights)));
    for (let i = 0; i < n; i++) {
      const conn = lane.factory.open();
      lane.all.push(conn);
      lane.idle.push(conn);
    }
  }
}

/**
 * The lane of arrival `g` of the whole schedule (asked in increasing order): a shard that takes every
 * n-th arrival sends each to the lane the whole schedule would, so the shards' union is the whole mix.
 */
export function laneByIndex(weights: number[]): (g: number) => number {
  const next = weightedRoundRobin(weights);
  let at = -1;
  let lane = 0;
  return (g) => {
    for (; at < g; at++) lane = next();
    return lane;
  };
}

/**
 * Smooth weighted round-robin (as nginx balances upstreams): over any stretch of arrivals each lane gets
 * its exact share, interleaved rather than in bursts, and the same arrival always goes to the same lane.
 */
export function weightedRoundRobin(weights: number[]): () => number {
  if (weights.length === 1) return () => 0;
  const total = weights.reduce((a, b) => a + b, 0);
  const current = weights.map(() => 0);
  return () => {
    let best = 0;
    for (let i = 0; i < weights.length; i++) {
      current[i] += weights[i];
      if (current[i] > current[best]) best = i;
    }
    current[best] -= total;
    return best;
  };
}
