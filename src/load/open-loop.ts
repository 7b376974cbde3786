import { recordMs } from '../results/histogram.js';
import { judged, type Recorder } from './recorder.js';
import type { ScheduleLike } from './shard.js';
import type { ConnectionFactory, LoadConnection } from './types.js';

/** One kind of request of a mix: its connections, its share of the arrivals, and its own counts. */
export interface Lane {
  factory: ConnectionFactory;
  weight: number;
  /** Counts of this lane alone (a mix's per-endpoint rows); everything is also recorded in the main recorder. */
  recorder?: Recorder;
}

export interface OpenLoopOptions {
  /** What to send. Several lanes share one arrival schedule, each taking its weight's share of arrivals. */
  lanes: Lane[];
  schedule: ScheduleLike;
  /** When the schedule starts (performance.now() time base); now when absent. A later instant is waited for. */
  startAt?: number;
  /** Connections are opened on demand up to this cap; beyond it, due requests wait for one (counted as queued). */
  maxConnections: number;
  /** A request sent this long after it was due counts as late. */
  lateAfterMs: number;
  /** After the last request was due, how long the queued and in-flight ones may still take. */
  drainMs: number;
  /**
   * The connections are the platform's own clients (WebSocket clients held open), not the generator's pool:
   * a request that waits for one is the platform's queue, and one still waiting when its timeout (from its
   * due time) has passed failed as the server's timeout, never sent. Absent, the wait is the generator's.
   */
  clientQueueTimeoutMs?: number;
  signal?: AbortSignal;
  recorder: Recorder;
}

/** Requests dispatched per turn of the event loop at most: I/O (and Ctrl-C) get their turn between batches. */
const BATCH = 2000;
/**
 * A request may go out up to this much before it is due, so the loop sleeps on plain timers (which fire
 * a millisecond late or so) and never polls: its CPU follows the rate. Sent early, its latency is timed
 * from the send, so an early send never flatters a number; sent late, from its due time (wrk2's way).
 */
export const EARLY_MS = 1;
/** Past either, the generator cannot run this schedule: it stops, and the result says how much it never sent. */
const GIVE_UP_LAG_MS = 2000;
const GIVE_UP_QUEUE = 100_000;

/**
 * Connections being opened at once, at most. Opening is dear (a connect, a handshake); without a bound a
 * burst of due requests (after a GC pause) opens hundreds, which delays the generator, which makes the
 * next burst larger: at 20,000/s that loop ran to the 1,000-connection cap. Past it, requests wait for a
 * connection (counted as queued) and the connections open as the ones before them come up.
 */
export const MAX_OPENING = 32;

const UNANSWERED = Object.assign(new Error('no answer before the run ended'), { code: 'ETIMEDOUT' });
// No code: a cause of its own, in these words, apart from the timeouts of messages that were sent.
const QUEUE_TIMEOUT = new Error('timed out unsent: every client was still waiting for a reply to an earlier message');

/**
 * The open model (wrk2, k6 arrival-rate): requests are due at fixed times whatever the server does.
 * Latency is measured from when each request was due, so a stall shows in every request that waited
 * behind it (coordinated-omission correction); the recorder also keeps the view from the actual send.
 * Connections open as needed up to the cap; a request that finds none free waits (and is counted as
 * queued: its wait is the generator's, not the server's). When the schedule ends, what is queued or in
 * flight gets `drainMs`; whatever is still unanswered then is recorded as failed, timed from its due
 * time, so a run that ends inside a stall never leaves its slowest requests out.
 */
export function runOpen(o: OpenLoopOptions): Promise<OpenLoopOutcome> {
  return new Promise((resolve) => {
    const start = o.startAt ?? performance.now();
    let startLateMs = 0;
    const lanes = o.lanes.map((l) => ({ ...l, idle: [] as LoadConnection[], all: [] as LoadConnection[], queue: [] as number[], head: 0 }));
    const laneAt = laneByIndex(o.lanes.map((l) => l.weight));
    const totalWeight = o.lanes.reduce((a, l) => a + l.weight, 0);
    warmUp(lanes, o);
    let next = 0;
    const inFlight = new Map<LoadConnection, { due: number; sent: number; lane: (typeof lanes)[number] }>();
    // Opened on demand and maybe still connecting (a stalled server's connections are connected: they do not count).
    const opening = new Set<LoadConnection>();
    const stillOpening = () => {
      if (opening.size >= MAX_OPENING) for (const c of opening) if (!c.connecting) opening.delete(c);
      return opening.size;
    };
    let scheduling = true;
    let lastAnswerAt = start;
    let finished = false;
    let timer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;

    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(drainTimer);
      o.signal?.removeEventListener('abort', finish);
      if (!o.signal?.aborted) recordUnanswered();
      // Throughput is over the time requests were due or being answered, not the drain's wait for stragglers.
      const activeUntil = Math.max(start + o.schedule.durationMs, lastAnswerAt);
      for (const r of recorders()) {
        r.activeUntil = activeUntil;
        r.stop();
      }
      for (const l of lanes) for (const c of l.all) c.close();
      resolve({ startLateMs });
    };
    const recorders = () => [o.recorder, ...lanes.flatMap((l) => (l.recorder ? [l.recorder] : []))];
    /**
     * A finished request, timed from when it was due or, sent early, from its send; it belongs to the
     * window and the time step of when it was due (a soak's windows count arrivals as the schedule made them).
     */
    const record = (lane: (typeof lanes)[number], due: number, err: Error | null, status: number, sent?: number) => {
      const now = performance.now();
      const latency = now - (sent === undefined ? due : Math.min(due, sent));
      o.recorder.record(latency, err, status, sent === undefined ? undefined : now - sent, due);
      lane.recorder?.record(latency, err, status, sent === undefined ? undefined : now - sent, due);
    };
    const recordUnanswered = () => {
      // No answer is the server's failure once it has had its timeout (the drain gives that to everything sent
      // before the schedule ended); one sent later, from the generator's own queue, was cut off by the run's end.
      const now = performance.now();
      for (const { due, sent, lane } of inFlight.values()) {
        if (now - sent >= o.drainMs - 1) record(lane, due, UNANSWERED, 0, sent);
        else {
          o.recorder.dropped++;
          if (lane.recorder) lane.recorder.dropped++;
        }
      }
      inFlight.clear();
      // Still queued when the run ended: never sent, so counted apart, not as the server's requests (but
      // behind the platform's own clients past their timeout, the server's failure).
      for (const l of lanes) {
        expireQueued(l);
        const never = l.queue.length - l.head;
        o.recorder.dropped += never;
        if (l.recorder) l.recorder.dropped += never;
        l.head = l.queue.length;
      }
    };
    o.signal?.addEventListener('abort', finish, { once: true });

    const send = (lane: (typeof lanes)[number], connection: LoadConnection, due: number) => {
      let conn = connection;
      const sent = performance.now();
      if (sent - due > o.lateAfterMs) {
        o.recorder.late++;
        if (lane.recorder) lane.recorder.late++;
      }
      inFlight.set(conn, { due, sent, lane });
      // Behind the platform's clients, a message's timeout runs from its due time, its wait for one included.
      const within = o.clientQueueTimeoutMs === undefined ? undefined : Math.max(1, o.clientQueueTimeoutMs - (sent - due));
      conn.send((err, status) => {
        if (finished) return;
        inFlight.delete(conn);
        opening.delete(conn);
        lastAnswerAt = performance.now();
        record(lane, due, judged(lane.factory, err, status), status, sent);
        if (conn.closed) conn = replace(lane, conn);
        expireQueued(lane);
        if (lane.head < lane.queue.length) {
          send(lane, conn, lane.queue[lane.head++]);
          // Drop consumed entries now and then, so a long run that queues keeps its memory flat.
          if (lane.head > 4096 && lane.head * 2 > lane.queue.length) {
            lane.queue.splice(0, lane.head);
            lane.head = 0;
          }
        } else {
          lane.idle.push(conn);
          if (!scheduling && inFlight.size === 0) finish();
        }
      }, within);
    };

    const queued = () => lanes.reduce((a, l) => a + l.queue.length - l.head, 0);

    /** The platform's clients were all held past a queued message's timeout: it failed, as the server's timeout. */
    const expireQueued = (lane: (typeof lanes)[number]) => {
      const limit = o.clientQueueTimeoutMs;
      if (limit === undefined) return;
      const now = performance.now();
      while (lane.head < lane.queue.length && now - lane.queue[lane.head] >= limit) record(lane, lane.queue[lane.head++], QUEUE_TIMEOUT, 0);
    };

    /** A connection that can carry no more (its held socket closed): out of the pool, and a new one in its place. */
    const replace = (lane: (typeof lanes)[number], dead: LoadConnection): LoadConnection => {
      lane.all.splice(lane.all.indexOf(dead), 1);
      const fresh = lane.factory.open();
      lane.all.push(fresh);
      opening.add(fresh);
      return fresh;
    };

    const dispatch = (due: number, index: number) => {
      const lane = lanes[laneAt(o.schedule.indexOf(index))];
      let conn = lane.idle.pop();
      if (!conn && lane.all.length < o.maxConnections && stillOpening() < MAX_OPENING) {
        conn = lane.factory.open();
        lane.all.push(conn);
        opening.add(conn);
      }
      if (conn) send(lane, conn, due);
      else {
        o.recorder.queued++;
        if (lane.recorder) lane.recorder.queued++;
        lane.queue.push(due);
      }
    };

    const tick = () => {
      if (finished) return;
      for (const l of lanes) expireQueued(l);
      const now = performance.now();
      if (next === 0) startLateMs = Math.max(0, now - start - EARLY_MS);
      for (let batch = 0; next < o.schedule.total && batch < BATCH; batch++) {
        const due = start + o.schedule.timeOf(next);
        if (due > now + EARLY_MS) break;
        if (now - due > GIVE_UP_LAG_MS || queued() > GIVE_UP_QUEUE) {
          // Hopelessly behind: what is left of the schedule is never sent, counted, not queued in memory.
          const by = now - due > GIVE_UP_LAG_MS ? 'lag' : 'queue';
          const why =
            by === 'lag'
              ? `the generator fell ${((now - due) / 1000).toFixed(1)} s behind its schedule`
              : `${queued().toLocaleString('en-US')} requests were waiting for a connection`;
          o.recorder.giveUp(o.schedule.total - next, why, by);
          for (const l of lanes) l.recorder?.giveUp(Math.round((o.schedule.total - next) * (l.weight / totalWeight)), why, by);
          next = o.schedule.total;
          break;
        }
        recordMs(o.recorder.scheduleLag, Math.max(0, now - due));
        dispatch(due, next);
        next++;
      }
      if (next < o.schedule.total) {
        const wait = start + o.schedule.timeOf(next) - EARLY_MS - performance.now();
        // A full batch with more due: after the I/O that is waiting. Otherwise a timer, never a poll.
        if (wait <= 0) setImmediate(tick);
        else timer = setTimeout(tick, wait);
        return;
      }
      scheduling = false;
      if (inFlight.size === 0 && lanes.every((l) => l.head === l.queue.length)) return finish();
      drainTimer = setTimeout(finish, o.drainMs);
    };
    if (o.signal?.aborted || o.schedule.total === 0) return finish();
    // The connections warmed above open while the loop waits for the start (a shard's --start-at).
    timer = setTimeout(tick, Math.max(0, start - performance.now()));
  });
}

export interface OpenLoopOutcome {
  /** How long after its start the schedule's first turn came (a shard's --start-at, a busy machine). */
  startLateMs: number;
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
function warmUp(
  lanes: { factory: Lane['factory']; weight: number; idle: LoadConnection[]; all: LoadConnection[] }[],
  o: OpenLoopOptions,
): void {
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
