import { recordMs } from './histogram.js';
import type { Recorder } from './recorder.js';
import type { Schedule } from './schedule.js';
import type { ConnectionFactory, LoadConnection } from './types.js';

export interface OpenLoopOptions {
  factory: ConnectionFactory;
  schedule: Schedule;
  /** Connections opened at most; when all are busy, due requests wait in a queue (and count as late). */
  maxConnections: number;
  /** A request sent this long after it was due counts as late. */
  lateAfterMs: number;
  /** How long in-flight requests may take to finish after the last one was due. */
  drainMs: number;
  signal?: AbortSignal;
  recorder: Recorder;
}

/**
 * The open model (wrk2, k6 arrival-rate): requests are due at fixed times whatever the server does.
 * Latency is measured from when each request was due, so a stall shows in every request that waited
 * behind it (coordinated-omission correction); the recorder also keeps the view from the actual send.
 * Requests still waiting for a connection when the schedule ends are counted as dropped.
 */
export function runOpen(o: OpenLoopOptions): Promise<void> {
  return new Promise((resolve) => {
    const start = performance.now();
    const idle: LoadConnection[] = [];
    const all: LoadConnection[] = [];
    const queue: number[] = [];
    let queueHead = 0;
    let next = 0;
    let inFlight = 0;
    let scheduling = true;
    let finished = false;
    let timer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;

    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(drainTimer);
      o.recorder.stop();
      o.signal?.removeEventListener('abort', finish);
      for (const c of all) c.close();
      resolve();
    };
    o.signal?.addEventListener('abort', finish, { once: true });

    const send = (conn: LoadConnection, due: number) => {
      const sent = performance.now();
      if (sent - due > o.lateAfterMs) o.recorder.late++;
      inFlight++;
      conn.send((err, status) => {
        inFlight--;
        const now = performance.now();
        o.recorder.record(now - due, err, status, now - sent);
        if (queueHead < queue.length) {
          send(conn, queue[queueHead++]);
          // Drop consumed entries now and then, so a long run that queues keeps its memory flat.
          if (queueHead > 4096 && queueHead * 2 > queue.length) {
            queue.splice(0, queueHead);
            queueHead = 0;
          }
        } else {
          idle.push(conn);
          if (!scheduling && inFlight === 0) finish();
        }
      });
    };

    const dispatch = (due: number) => {
      let conn = idle.pop();
      if (!conn && all.length < o.maxConnections) {
        conn = o.factory.open();
        all.push(conn);
      }
      if (conn) send(conn, due);
      else queue.push(due);
    };

    const tick = () => {
      if (finished) return;
      const now = performance.now();
      while (next < o.schedule.total) {
        const due = start + o.schedule.timeOf(next);
        if (due > now) break;
        recordMs(o.recorder.scheduleLag, now - due);
        dispatch(due);
        next++;
      }
      if (next < o.schedule.total) {
        // Timers fire a millisecond late or so: sleep on a timer until close to the due time, then
        // poll with setImmediate (which still yields to I/O every turn) so dispatch lands on time.
        const wait = start + o.schedule.timeOf(next) - performance.now();
        if (wait > 2) timer = setTimeout(tick, wait - 1.5);
        else setImmediate(tick);
        return;
      }
      // Schedule done: whatever still waits for a connection never went out.
      scheduling = false;
      o.recorder.dropped += queue.length - queueHead;
      queueHead = queue.length;
      if (inFlight === 0) return finish();
      drainTimer = setTimeout(finish, o.drainMs);
    };
    if (o.signal?.aborted || o.schedule.total === 0) return finish();
    tick();
  });
}
