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

type Held = Promise<WebSocket | Error>;

/**
 * The held sockets: opened on schedule (connection i at i / connectRate seconds, whatever the previous
 * ones do), counted (opened, failed, dropped while held, and why), and bound one each to the loop's
 * connections. A socket the server closed is never handed a message again: a new one is opened in its
 * place, as a client reconnects.
 */
class HeldSockets {
  private readonly sockets: Held[] = [];
  private readonly settled = new Map<Held, WebSocket | Error>();
  private readonly bound = new Set<Held>();
  private readonly live = new Set<WebSocket>();
  private readonly opens = newHistogram();
  private readonly causes: Record<string, number> = {};
  private readonly c = { opened: 0, failed: 0, disconnects: 0 };
  private closing = false;
  readonly opening: Promise<void>;

  constructor(
    private readonly o: PoolOptions,
    private readonly at: ReturnType<typeof wsEndpoint>,
  ) {
    const scheduled = Array.from({ length: o.connections }, (_, i) =>
      this.track(new Promise<WebSocket | Error>((resolve) => setTimeout(() => resolve(this.openOne()), (i / o.connectRate) * 1000))),
    );
    this.opening = Promise.all(scheduled).then(() => undefined);
  }

  /** A free held socket still open (or still opening), or else a new one. */
  take(): Held {
    const p = this.sockets.find((x) => !this.bound.has(x) && this.usable(x)) ?? this.track(this.openOne());
    this.bound.add(p);
    return p;
  }

  /** Whether the socket a connection is bound to is gone (failed, or closed); a gone one is unbound. */
  dead(p: Held): boolean {
    const ws = this.settled.get(p);
    const gone = ws !== undefined && (ws instanceof Error || ws.readyState !== ws.OPEN);
    if (gone) this.bound.delete(p);
    return gone;
  }

  counts(): SessionCounts {
    const s = summarize(this.opens);
    return { ...this.c, openP50Ms: s.p50, openP99Ms: s.p99, causes: this.causes };
  }

  close(): void {
    this.closing = true;
    for (const ws of this.live) ws.terminate();
  }

  private track(p: Held): Held {
    this.sockets.push(p);
    void p.then((ws) => this.settled.set(p, ws));
    return p;
  }

  private usable(p: Held): boolean {
    const ws = this.settled.get(p);
    return ws === undefined || (!(ws instanceof Error) && ws.readyState === ws.OPEN);
  }

  private cause(why: string): void {
    this.causes[why] = (this.causes[why] ?? 0) + 1;
  }

  private async openOne(): Promise<WebSocket | Error> {
    try {
      const { ws, openMs } = await openWebSocket(this.o.url, {
        headers: this.o.headers,
        tlsVerify: this.o.tlsVerify,
        timeoutMs: this.o.timeoutMs,
        signal: this.o.signal,
      });
      recordMs(this.opens, openMs);
      this.c.opened++;
      this.live.add(ws);
      ws.on('error', () => undefined);
      ws.once('close', () => {
        this.live.delete(ws);
        if (this.closing) return;
        this.c.disconnects++;
        this.cause('closed by the server or the network while held');
      });
      return ws;
    } catch (err) {
      this.c.failed++;
      const why = err instanceof WebSocketError ? err.message : classifyError(err, this.at);
      this.cause(why);
      return new WebSocketError(why);
    }
  }
}

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
  const held = new HeldSockets(o, at);
  const factory: ConnectionFactory = {
    ok: () => true,
    explain: (err) => (err instanceof WebSocketError ? err.message : classifyError(err, at)),
    open(): LoadConnection {
      const socket = held.take();
      return {
        get closed() {
          return held.dead(socket);
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
  return { factory, opening: held.opening, counts: () => held.counts(), close: () => held.close() };
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
