import type WebSocket from 'ws';
import type { Sessions } from '../results/scenario-result.js';
import { newHistogram, recordMs, summarize } from '../results/histogram.js';
import { openWebSocket, WebSocketError, wsEndpoint } from '../protocols/websocket.js';
import { classifyError } from '../protocols/network-errors.js';
import type { ConnectionFactory, LoadConnection } from './types.js';

export interface PoolOptions {
  url: string;
  headers: Record<string, string>;
  tlsVerify: boolean;
  connections: number;
  /** Connections opened per second. */
  connectRate: number;
  timeoutMs: number;
  /** What each message is: a text frame, or (absent) a ping whose pong is the reply. */
  message?: string;
  /** Checks a reply; returns what is wrong with it. */
  checkReply?: (reply: string) => string[];
  signal?: AbortSignal;
}

/** How the connections themselves fared: the result's own sessions (results/scenario-result.ts). */
export type SessionCounts = Sessions;

const CLOSED = Object.assign(new Error('the WebSocket closed before the reply'), { code: 'ECLOSED' });
const noReply = (ms: number) => new WebSocketError(`no reply within the ${ms} ms timeout`);

/**
 * WebSocket clients as a platform has them: `connections` sockets opened at `connectRate` and held,
 * each a connection the open loop sends messages on (one reply awaited at a time per socket, so a reply
 * is the next frame the socket receives). Sockets open in the background; a message given a socket not
 * yet open waits for it (its latency includes the wait, from its due time).
 */
export function websocketPool(o: PoolOptions): {
  factory: ConnectionFactory;
  opening: Promise<void>;
  counts(): SessionCounts;
  close(): void;
} {
  const at = wsEndpoint(o.url);
  const sockets: Promise<WebSocket | Error>[] = [];
  const live = new Set<WebSocket>();
  const opens = newHistogram();
  const causes: Record<string, number> = {};
  const c = { opened: 0, failed: 0, disconnects: 0 };
  let closing = false;
  const cause = (why: string) => void (causes[why] = (causes[why] ?? 0) + 1);
  const openOne = async (): Promise<WebSocket | Error> => {
    try {
      const { ws, openMs } = await openWebSocket(o.url, {
        headers: o.headers,
        tlsVerify: o.tlsVerify,
        timeoutMs: o.timeoutMs,
        signal: o.signal,
      });
      recordMs(opens, openMs);
      c.opened++;
      live.add(ws);
      ws.on('error', () => undefined);
      ws.once('close', () => {
        live.delete(ws);
        if (!closing) {
          c.disconnects++;
          cause('closed by the server or the network while held');
        }
      });
      return ws;
    } catch (err) {
      c.failed++;
      const why = err instanceof WebSocketError ? err.message : classifyError(err, at);
      cause(why);
      return new WebSocketError(why);
    }
  };
  // Opened on schedule, whatever the previous ones do: connection i at i / connectRate seconds.
  const opening = Promise.all(
    Array.from({ length: o.connections }, (_, i) => {
      const p = new Promise<WebSocket | Error>((resolve) => setTimeout(() => resolve(openOne()), (i / o.connectRate) * 1000));
      sockets.push(p);
      return p;
    }),
  ).then(() => undefined);
  // The held sockets the loop's connections are bound to, one each: a reply is the next frame on its socket.
  const bound = new Set<Promise<WebSocket | Error>>();
  const settled = new Map<Promise<WebSocket | Error>, WebSocket | Error>();
  for (const p of sockets) void p.then((ws) => settled.set(p, ws));
  const usable = (p: Promise<WebSocket | Error>) => {
    const ws = settled.get(p);
    return ws === undefined || (!(ws instanceof Error) && ws.readyState === ws.OPEN);
  };
  /**
   * A free held socket still open (or still opening), or else a new one, as a client reconnects after
   * losing its socket: a socket the server closed is never handed a message again.
   */
  const take = (): Promise<WebSocket | Error> => {
    let p = sockets.find((x) => !bound.has(x) && usable(x));
    if (!p) {
      p = openOne();
      sockets.push(p);
      void p.then((ws) => settled.set(p!, ws));
    }
    bound.add(p);
    return p;
  };
  const factory: ConnectionFactory = {
    ok: () => true,
    explain: (err) => (err instanceof WebSocketError ? err.message : classifyError(err, at)),
    open(): LoadConnection {
      const socket = take();
      return {
        get closed() {
          const ws = settled.get(socket);
          const dead = ws !== undefined && (ws instanceof Error || ws.readyState !== ws.OPEN);
          if (dead) bound.delete(socket);
          return dead;
        },
        send(done, withinMs) {
          void socket.then((ws) => {
            if (ws instanceof Error) return done(ws, 0);
            if (ws.readyState !== ws.OPEN) return done(CLOSED, 0);
            exchangeOnce(ws, o, done, withinMs ?? o.timeoutMs);
          });
        },
        close() {
          // The pool closes its sockets once, at the end.
        },
      };
    },
  };
  const counts = (): SessionCounts => {
    const s = summarize(opens);
    return { ...c, openP50Ms: s.p50, openP99Ms: s.p99, causes };
  };
  const close = () => {
    closing = true;
    for (const ws of live) ws.terminate();
  };
  return { factory, opening, counts, close };
}

let pings = 0;

/**
 * One message and its reply (a ping and its pong without a message), judged. No reply within the timeout
 * is the server's failure, and frees the socket for the next message: a late pong is told apart by its
 * payload and ignored; a late reply to a message cannot be told from the next one's, so it answers that.
 */
function exchangeOnce(ws: WebSocket, o: PoolOptions, done: (err: Error | null, status: number) => void, withinMs: number): void {
  const finish = (err: Error | null) => {
    clearTimeout(timer);
    ws.off('message', onMessage);
    ws.off('pong', onPong);
    ws.off('close', onClose);
    done(err, 0);
  };
  const timer = setTimeout(() => finish(noReply(o.timeoutMs)), withinMs);
  const onMessage = (data: WebSocket.RawData) => {
    const problems = o.checkReply?.(data.toString()) ?? [];
    finish(problems.length ? new Error(`the reply: ${problems.join('; ')}`) : null);
  };
  const payload = String(++pings);
  const onPong = (data: Buffer) => {
    if (data.toString() === payload) finish(null);
  };
  const onClose = () => finish(CLOSED);
  ws.once('close', onClose);
  if (o.message === undefined) {
    ws.on('pong', onPong);
    ws.ping(payload);
  } else {
    ws.once('message', onMessage);
    ws.send(o.message);
  }
}
