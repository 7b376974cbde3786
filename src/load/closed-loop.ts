import { judged, type Recorder } from './recorder.js';
import type { ConnectionFactory, LoadConnection } from './types.js';

export interface ClosedLoopOptions {
  factory: ConnectionFactory;
  /** Virtual users: each sends its next request as soon as the previous one is answered. */
  connections: number;
  durationMs?: number;
  /** Total requests across all users (instead of, or as well as, a duration). */
  requests?: number;
  signal?: AbortSignal;
  recorder: Recorder;
}

/**
 * The closed model (wrk, autocannon): a fixed number of users, back to back. Simple and fast, but a
 * stalled server also stalls the sending, so stalls hide (coordinated omission); the open model does not.
 */
export function runClosed(o: ClosedLoopOptions): Promise<void> {
  return new Promise((resolve) => {
    const start = performance.now();
    const deadline = o.durationMs !== undefined ? start + o.durationMs : Infinity;
    const conns: LoadConnection[] = [];
    let issued = 0;
    let active = 0;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      o.recorder.stop();
      o.signal?.removeEventListener('abort', onAbort);
      for (const c of conns) c.close();
      resolve();
    };
    const onAbort = () => finish();
    o.signal?.addEventListener('abort', onAbort, { once: true });

    // One callback per user, made once: the hot path allocates nothing per request.
    const user = (conn: LoadConnection) => {
      let t0 = 0;
      const answered = (err: Error | null, status: number) => {
        const now = performance.now();
        o.recorder.record(now - t0, judged(o.factory, err, status), status, undefined, t0);
        next(now);
      };
      const next = (now: number) => {
        if (finished) return;
        if (now >= deadline || (o.requests !== undefined && issued >= o.requests)) {
          if (--active === 0) finish();
          return;
        }
        issued++;
        t0 = now;
        conn.send(answered);
      };
      return next;
    };
    const users = o.requests !== undefined ? Math.min(o.connections, o.requests) : o.connections;
    if (users === 0 || o.signal?.aborted) return finish();
    for (let i = 0; i < users; i++) {
      const c = o.factory.open();
      conns.push(c);
      active++;
      user(c)(performance.now());
    }
  });
}
