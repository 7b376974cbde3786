import { recordMs } from '../results/histogram.js';
import { laneByIndex, warmUp, type Lane, type LiveLane } from './open-lanes.js';
import { judged, type Recorder } from './recorder.js';
import type { ScheduleLike } from './shard.js';
import type { LoadConnection } from './types.js';

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

export interface OpenLoopOutcome {
  /** How long after its start the schedule's first turn came (a shard's --start-at, a busy machine). */
  startLateMs: number;
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
  return new Promise((resolve) => new OpenLoop(o, resolve).begin());
}

interface InFlight {
  due: number;
  sent: number;
  lane: LiveLane;
}

/** One open-model run: its schedule's position, its lanes' pools and queues, and what is in flight. */
class OpenLoop {
  private readonly start: number;
  private startLateMs = 0;
  private readonly lanes: LiveLane[];
  private readonly laneAt: (g: number) => number;
  private readonly totalWeight: number;
  /** The schedule's next arrival to dispatch. */
  private next = 0;
  private readonly inFlight = new Map<LoadConnection, InFlight>();
  /** Opened on demand and maybe still connecting (a stalled server's connections are connected: they do not count). */
  private readonly opening = new Set<LoadConnection>();
  private scheduling = true;
  private lastAnswerAt: number;
  private finished = false;
  private timer: NodeJS.Timeout | undefined;
  private drainTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly o: OpenLoopOptions,
    private readonly resolve: (outcome: OpenLoopOutcome) => void,
  ) {
    this.start = o.startAt ?? performance.now();
    this.lastAnswerAt = this.start;
    this.lanes = o.lanes.map((l) => ({ ...l, idle: [], all: [], queue: [], head: 0 }));
    this.laneAt = laneByIndex(o.lanes.map((l) => l.weight));
    this.totalWeight = o.lanes.reduce((a, l) => a + l.weight, 0);
  }

  begin(): void {
    warmUp(this.lanes, this.o);
    this.o.signal?.addEventListener('abort', this.finish, { once: true });
    if (this.o.signal?.aborted || this.o.schedule.total === 0) return this.finish();
    // The connections warmed above open while the loop waits for the start (a shard's --start-at).
    this.timer = setTimeout(this.tick, Math.max(0, this.start - performance.now()));
  }

  private readonly finish = (): void => {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    clearTimeout(this.drainTimer);
    this.o.signal?.removeEventListener('abort', this.finish);
    if (!this.o.signal?.aborted) this.recordUnanswered();
    // Throughput is over the time requests were due or being answered, not the drain's wait for stragglers.
    const activeUntil = Math.max(this.start + this.o.schedule.durationMs, this.lastAnswerAt);
    for (const r of this.recorders()) {
      r.activeUntil = activeUntil;
      r.stop();
    }
    for (const l of this.lanes) for (const c of l.all) c.close();
    this.resolve({ startLateMs: this.startLateMs });
  };

  private recorders(): Recorder[] {
    return [this.o.recorder, ...this.lanes.flatMap((l) => (l.recorder ? [l.recorder] : []))];
  }

  /**
   * A finished request, timed from when it was due or, sent early, from its send; it belongs to the
   * window and the time step of when it was due (a soak's windows count arrivals as the schedule made them).
   */
  private record(lane: LiveLane, due: number, err: Error | null, status: number, sent?: number): void {
    const now = performance.now();
    const latency = now - (sent === undefined ? due : Math.min(due, sent));
    const fromSend = sent === undefined ? undefined : now - sent;
    this.o.recorder.record(latency, err, status, fromSend, due);
    lane.recorder?.record(latency, err, status, fromSend, due);
  }

  /** Counted in the main recorder and its lane's. */
  private count(lane: LiveLane, what: 'dropped' | 'late' | 'queued', n = 1): void {
    this.o.recorder[what] += n;
    if (lane.recorder) lane.recorder[what] += n;
  }

  private recordUnanswered(): void {
    // No answer is the server's failure once it has had its timeout (the drain gives that to everything sent
    // before the schedule ended); one sent later, from the generator's own queue, was cut off by the run's end.
    const now = performance.now();
    for (const { due, sent, lane } of this.inFlight.values()) {
      if (now - sent >= this.o.drainMs - 1) this.record(lane, due, UNANSWERED, 0, sent);
      else this.count(lane, 'dropped');
    }
    this.inFlight.clear();
    // Still queued when the run ended: never sent, so counted apart, not as the server's requests (but
    // behind the platform's own clients past their timeout, the server's failure).
    for (const l of this.lanes) {
      this.expireQueued(l);
      this.count(l, 'dropped', l.queue.length - l.head);
      l.head = l.queue.length;
    }
  }

  private send(lane: LiveLane, conn: LoadConnection, due: number): void {
    const sent = performance.now();
    if (sent - due > this.o.lateAfterMs) this.count(lane, 'late');
    this.inFlight.set(conn, { due, sent, lane });
    // Behind the platform's clients, a message's timeout runs from its due time, its wait for one included.
    const limit = this.o.clientQueueTimeoutMs;
    const within = limit === undefined ? undefined : Math.max(1, limit - (sent - due));
    conn.send((err, status) => this.answered(lane, conn, due, sent, err, status), within);
  }

  /** An answer (or a failure): recorded, and the connection takes the next queued request or goes idle. */
  private answered(lane: LiveLane, connection: LoadConnection, due: number, sent: number, err: Error | null, status: number): void {
    if (this.finished) return;
    let conn = connection;
    this.inFlight.delete(conn);
    this.opening.delete(conn);
    this.lastAnswerAt = performance.now();
    this.record(lane, due, judged(lane.factory, err, status), status, sent);
    if (conn.closed) conn = this.replace(lane, conn);
    this.expireQueued(lane);
    if (lane.head < lane.queue.length) {
      this.send(lane, conn, lane.queue[lane.head++]);
      // Drop consumed entries now and then, so a long run that queues keeps its memory flat.
      if (lane.head > 4096 && lane.head * 2 > lane.queue.length) {
        lane.queue.splice(0, lane.head);
        lane.head = 0;
      }
    } else {
      lane.idle.push(conn);
      if (!this.scheduling && this.inFlight.size === 0) this.finish();
    }
  }

  private queued(): number {
    return this.lanes.reduce((a, l) => a + l.queue.length - l.head, 0);
  }

  /** The platform's clients were all held past a queued message's timeout: it failed, as the server's timeout. */
  private expireQueued(lane: LiveLane): void {
    const limit = this.o.clientQueueTimeoutMs;
    if (limit === undefined) return;
    const now = performance.now();
    while (lane.head < lane.queue.length && now - lane.queue[lane.head] >= limit)
      this.record(lane, lane.queue[lane.head++], QUEUE_TIMEOUT, 0);
  }

  /** A connection that can carry no more (its held socket closed): out of the pool, and a new one in its place. */
  private replace(lane: LiveLane, dead: LoadConnection): LoadConnection {
    lane.all.splice(lane.all.indexOf(dead), 1);
    return this.open(lane);
  }

  private open(lane: LiveLane): LoadConnection {
    const conn = lane.factory.open();
    lane.all.push(conn);
    this.opening.add(conn);
    return conn;
  }

  private stillOpening(): number {
    if (this.opening.size >= MAX_OPENING) for (const c of this.opening) if (!c.connecting) this.opening.delete(c);
    return this.opening.size;
  }

  private dispatch(due: number, index: number): void {
    const lane = this.lanes[this.laneAt(this.o.schedule.indexOf(index))];
    let conn = lane.idle.pop();
    if (!conn && lane.all.length < this.o.maxConnections && this.stillOpening() < MAX_OPENING) conn = this.open(lane);
    if (conn) this.send(lane, conn, due);
    else {
      this.count(lane, 'queued');
      lane.queue.push(due);
    }
  }

  private readonly tick = (): void => {
    if (this.finished) return;
    for (const l of this.lanes) this.expireQueued(l);
    const now = performance.now();
    const { schedule } = this.o;
    if (this.next === 0) this.startLateMs = Math.max(0, now - this.start - EARLY_MS);
    for (let batch = 0; this.next < schedule.total && batch < BATCH; batch++) {
      const due = this.start + schedule.timeOf(this.next);
      if (due > now + EARLY_MS) break;
      if (now - due > GIVE_UP_LAG_MS || this.queued() > GIVE_UP_QUEUE) {
        this.giveUp(now - due);
        break;
      }
      recordMs(this.o.recorder.scheduleLag, Math.max(0, now - due));
      this.dispatch(due, this.next);
      this.next++;
    }
    if (this.next < schedule.total) {
      const wait = this.start + schedule.timeOf(this.next) - EARLY_MS - performance.now();
      // A full batch with more due: after the I/O that is waiting. Otherwise a timer, never a poll.
      if (wait <= 0) setImmediate(this.tick);
      else this.timer = setTimeout(this.tick, wait);
      return;
    }
    this.scheduling = false;
    if (this.inFlight.size === 0 && this.lanes.every((l) => l.head === l.queue.length)) return this.finish();
    this.drainTimer = setTimeout(this.finish, this.o.drainMs);
  };

  /** Hopelessly behind: what is left of the schedule is never sent, counted, not queued in memory. */
  private giveUp(lagMs: number): void {
    const { schedule, recorder } = this.o;
    const by = lagMs > GIVE_UP_LAG_MS ? 'lag' : 'queue';
    const why =
      by === 'lag'
        ? `the generator fell ${(lagMs / 1000).toFixed(1)} s behind its schedule`
        : `${this.queued().toLocaleString('en-US')} requests were waiting for a connection`;
    const left = schedule.total - this.next;
    recorder.giveUp(left, why, by);
    for (const l of this.lanes) l.recorder?.giveUp(Math.round(left * (l.weight / this.totalWeight)), why, by);
    this.next = schedule.total;
  }
}
