import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ConnectionFactory, LoadConnection } from './types.js';

export interface HttpRequestSpec {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Which statuses count as success. */
  ok(status: number): boolean;
  /** When set, each response body (up to 64 KiB) is checked; a returned string is the failure cause. */
  checkBody?: (body: Buffer) => string | undefined;
}

/** The request bytes are built once and written as-is for every request. */
export function buildRequest(spec: HttpRequestSpec): Buffer {
  const u = new URL(spec.url);
  const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
  const lines = [`${spec.method} ${u.pathname}${u.search} HTTP/1.1`, `host: ${u.host}`];
  // No default headers beyond Host: every byte is parsed by the server on every request, and a load
  // tool should measure the server's work, not add to it.
  for (const [k, v] of Object.entries(spec.headers)) lines.push(`${k}: ${v}`);
  if (body) lines.push(`content-length: ${body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return body ? Buffer.concat([head, body]) : head;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');
const MAX_BODY_CAPTURE = 64 * 1024;

/**
 * A keep-alive HTTP/1.1 connection on a raw socket with a minimal response parser (status line,
 * content-length or chunked, connection: close). Much less work per request than a general client,
 * which is what keeps the generator from being the bottleneck.
 */
class HttpConnection implements LoadConnection {
  private socket: Socket | undefined;
  private done: ((err: Error | null, status: number) => void) | undefined;
  private buf: Buffer | undefined;
  private status = 0;
  private state: 'idle' | 'head' | 'length' | 'chunked' | 'until-close' = 'idle';
  private remaining = 0;
  private closeAfter = false;
  private body: Buffer[] | undefined;
  private bodySize = 0;
  /** When the request in flight was written (for the watchdog). */
  sentAt = 0;

  constructor(private readonly url: URL, private readonly request: Buffer, private readonly spec: HttpRequestSpec, private readonly watchdog: Watchdog) {}

  send(done: (err: Error | null, status: number) => void): void {
    this.done = done;
    this.sentAt = performance.now();
    this.watchdog.watch(this);
    this.state = 'head';
    this.buf = undefined;
    this.body = this.spec.checkBody ? [] : undefined;
    this.bodySize = 0;
    if (!this.socket) this.socket = this.connect();
    this.socket.write(this.request);
  }

  close(): void {
    this.watchdog.forget(this);
    this.socket?.destroy();
    this.socket = undefined;
  }

  /** Called by the watchdog: the request in flight has waited past the timeout. */
  expire(): void {
    if (this.state !== 'idle') this.fail(Object.assign(new Error(`no answer within ${this.spec.timeoutMs} ms`), { code: 'ETIMEDOUT' }));
  }

  get busy(): boolean {
    return this.state !== 'idle';
  }

  private connect(): Socket {
    const port = Number(this.url.port) || (this.url.protocol === 'https:' ? 443 : 80);
    const host = this.url.hostname.replace(/^\[|\]$/g, '');
    const socket = this.url.protocol === 'https:' ? tlsConnect({ host, port, servername: host, rejectUnauthorized: false }) : netConnect({ host, port });
    socket.setNoDelay(true);
    // Events from a socket this connection has already replaced (after connection: close, the next
    // request may open a new one before the old one's close event arrives) must not touch the new request.
    socket.on('data', (chunk: Buffer) => this.socket === socket && this.onData(chunk));
    socket.on('error', (err) => this.socket === socket && this.fail(err));
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (this.state === 'until-close') this.finish();
      else if (this.state !== 'idle') this.fail(Object.assign(new Error('the server closed the connection before answering'), { code: 'ECONNRESET' }));
    });
    return socket;
  }

  private fail(err: Error): void {
    this.socket?.destroy();
    this.socket = undefined;
    if (this.state === 'idle') return;
    this.state = 'idle';
    const done = this.done!;
    this.done = undefined;
    done(err, 0);
  }

  private finish(): void {
    this.state = 'idle';
    if (this.closeAfter) this.close();
    const done = this.done!;
    this.done = undefined;
    if (this.body) {
      const why = this.spec.checkBody!(Buffer.concat(this.body));
      if (why) return done(Object.assign(new Error(why), { code: 'EBODY' }), this.status);
    }
    done(null, this.status);
  }

  private keep(chunk: Buffer): void {
    if (this.body && this.bodySize < MAX_BODY_CAPTURE) {
      this.body.push(chunk);
      this.bodySize += chunk.length;
    }
  }

  private onData(chunk: Buffer): void {
    let data = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
    this.buf = undefined;
    while (data.length > 0) {
      if (this.state === 'head') {
        const end = data.indexOf(CRLFCRLF);
        if (end < 0) {
          this.buf = data;
          return;
        }
        this.parseHead(data, end);
        data = data.subarray(end + 4);
        if ((this.state as string) === 'length' && this.remaining === 0) this.finish();
        continue;
      }
      if (this.state === 'length') {
        const take = Math.min(this.remaining, data.length);
        this.keep(data.subarray(0, take));
        this.remaining -= take;
        data = data.subarray(take);
        if (this.remaining === 0) this.finish();
        continue;
      }
      if (this.state === 'chunked') {
        if (this.remaining > 0) {
          const take = Math.min(this.remaining, data.length);
          this.keep(data.subarray(0, Math.max(0, Math.min(take, this.remaining - 2))));
          this.remaining -= take;
          data = data.subarray(take);
          continue;
        }
        const eol = data.indexOf('\r\n');
        if (eol < 0) {
          this.buf = data;
          return;
        }
        const size = parseInt(data.toString('latin1', 0, eol), 16);
        data = data.subarray(eol + 2);
        if (size === 0) {
          // Last chunk: skip optional trailers up to the blank line.
          const end = data.subarray(0, 2).equals(CRLF) ? 0 : data.indexOf(CRLFCRLF);
          if (end < 0) {
            this.buf = Buffer.concat([Buffer.from('0\r\n'), data]);
            return;
          }
          this.finish();
          return;
        }
        this.remaining = size + 2; // data + CRLF
        continue;
      }
      if (this.state === 'until-close') {
        this.keep(data);
        return;
      }
      return; // idle: bytes after a complete response (not expected without pipelining)
    }
  }

  /** Reads the response head from bytes: status, framing and connection: close, without building strings. */
  private parseHead(data: Buffer, end: number): void {
    this.status = (data[9] - 48) * 100 + (data[10] - 48) * 10 + (data[11] - 48);
    this.closeAfter = findHeader(data, end, CONNECTION) >= 0 && hasValue(data, end, CONNECTION, 'close');
    if (this.status === 204 || this.status === 304 || this.status < 200 || this.spec.method === 'HEAD') {
      this.state = 'length';
      this.remaining = 0;
      return;
    }
    const cl = findHeader(data, end, CONTENT_LENGTH);
    if (cl >= 0) {
      let n = 0;
      let i = cl;
      while (data[i] === 32) i++;
      for (; i < end && data[i] >= 48 && data[i] <= 57; i++) n = n * 10 + (data[i] - 48);
      this.state = 'length';
      this.remaining = n;
    } else if (hasValue(data, end, TRANSFER_ENCODING, 'chunked')) {
      this.state = 'chunked';
      this.remaining = 0;
    } else {
      this.state = 'until-close';
    }
  }
}

const CONTENT_LENGTH = header('content-length');
const TRANSFER_ENCODING = header('transfer-encoding');
const CONNECTION = header('connection');

/** A header name in the two spellings servers use in practice; anything else falls back to a case-insensitive scan. */
function header(name: string) {
  const title = name.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());
  return { lower: Buffer.from(`\r\n${name}:`), title: Buffer.from(`\r\n${title}:`), name };
}

/** Offset just after `name:` in the head, or -1. */
function findHeader(data: Buffer, end: number, h: ReturnType<typeof header>): number {
  let at = data.indexOf(h.lower);
  if (at < 0 || at > end) at = data.indexOf(h.title);
  if (at < 0 || at > end) {
    const text = data.toString('latin1', 0, end).toLowerCase();
    at = text.indexOf(`\r\n${h.name}:`);
    if (at < 0) return -1;
  }
  return at + h.lower.length;
}

function hasValue(data: Buffer, end: number, h: ReturnType<typeof header>, value: string): boolean {
  const at = findHeader(data, end, h);
  if (at < 0) return false;
  const eol = data.indexOf('\r\n', at);
  return data.toString('latin1', at, eol < 0 || eol > end ? end : eol).toLowerCase().includes(value);
}

/**
 * Request timeouts for all connections of a run from one coarse timer, instead of a socket idle timer
 * re-armed on every read and write: the per-request cost stays off the hot path, and a timeout fires
 * at most a quarter of the timeout late.
 */
class Watchdog {
  private readonly conns = new Set<HttpConnection>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number) {}

  watch(c: HttpConnection): void {
    this.conns.add(c);
    this.timer ??= setInterval(() => this.check(), Math.max(10, Math.min(250, this.timeoutMs / 4))).unref();
  }

  forget(c: HttpConnection): void {
    this.conns.delete(c);
    if (this.conns.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private check(): void {
    const now = performance.now();
    for (const c of this.conns) if (c.busy && now - c.sentAt > this.timeoutMs) c.expire();
  }
}

export function httpFactory(spec: HttpRequestSpec): ConnectionFactory {
  const url = new URL(spec.url);
  const request = buildRequest(spec);
  const watchdog = new Watchdog(spec.timeoutMs);
  return { open: () => new HttpConnection(url, request, spec, watchdog), ok: spec.ok };
}
