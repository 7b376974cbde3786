import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { COMPLETE, FAILED, NEED_MORE, ProtocolError, ResponseParser } from './http-parser.js';
import type { ConnectionFactory, LoadConnection } from './types.js';
import { SPEAKS_TLS, speaksTls } from '../protocols/http/speaks-tls.js';
import { classifyError } from '../protocols/network-errors.js';
import { Watchdog } from './watchdog.js';

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

/**
 * The request bytes are built once and written as-is for every request. Credentials in the URL
 * (`user:pass@`) become basic authorization, unless an Authorization header is given.
 */
export function buildRequest(spec: HttpRequestSpec): Buffer {
  const u = new URL(spec.url);
  const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
  const lines = [`${spec.method} ${u.pathname}${u.search} HTTP/1.1`, `host: ${u.host}`];
  // No default headers beyond Host: every byte is parsed by the server on every request, and a load
  // tool should measure the server's work, not add to it.
  for (const [k, v] of Object.entries(spec.headers)) lines.push(`${k}: ${v}`);
  if (u.username && !Object.keys(spec.headers).some((h) => h.toLowerCase() === 'authorization')) {
    lines.push(
      `authorization: Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`,
    );
  }
  if (body) lines.push(`content-length: ${body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return body ? Buffer.concat([head, body]) : head;
}

/** Shared by every plain connection: a read is parsed before the next read can land (one thread). */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** RFC 9110: these may be sent again when a reused connection closed before answering. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/**
 * A keep-alive HTTP/1.1 connection on a raw socket with a byte-level parser (./http-parser.ts): much
 * less work per request than a general client, which is what keeps the generator from being the
 * bottleneck. A response that ends the connection (HTTP/1.0, `Connection: close`, a body read until
 * the close) closes it, and the next request opens a new one.
 */
class HttpConnection implements LoadConnection {
  private socket: Socket | undefined;

  get connecting(): boolean {
    return this.socket?.connecting ?? false;
  }
  private done: ((err: Error | null, status: number) => void) | undefined;
  private readonly parser = new ResponseParser();
  /** Answers completed on the current socket: a close before the first byte of a later one is a stale connection. */
  private answered = 0;
  private retried = false;
  /** Bytes that arrived while no request was in flight: the connection is out of step, the next request says so. */
  private desync: Error | undefined;
  /** When the request in flight was written (for the watchdog). */
  sentAt = 0;
  private watched = false;

  constructor(
    private readonly url: URL,
    private readonly request: Buffer,
    private readonly spec: HttpRequestSpec,
    private readonly watchdog: Watchdog<HttpConnection>,
    /** Told when a fresh plain connection closed without a byte: is that port TLS? */
    private readonly suspectTls: () => void,
  ) {}

  send(done: (err: Error | null, status: number) => void): void {
    this.done = done;
    this.sentAt = performance.now();
    this.retried = false;
    if (this.desync) {
      const err = this.desync;
      this.desync = undefined;
      return this.finish(err, 0);
    }
    if (!this.watched) {
      this.watchdog.watch(this);
      this.watched = true;
    }
    this.write();
  }

  close(): void {
    this.watchdog.forget(this);
    this.watched = false;
    this.drop();
  }

  /** Called by the watchdog: the request in flight has waited past the timeout. */
  expire(): void {
    if (this.done) this.fail(Object.assign(new Error(`no answer within ${this.spec.timeoutMs} ms`), { code: 'ETIMEDOUT' }));
  }

  get busy(): boolean {
    return this.done !== undefined;
  }

  private write(): void {
    this.parser.begin(this.spec.method, this.spec.checkBody !== undefined);
    if (!this.socket) this.socket = this.connect();
    this.socket.write(this.request);
  }

  private connect(): Socket {
    const port = Number(this.url.port) || (this.url.protocol === 'https:' ? 443 : 80);
    const host = this.url.hostname.replace(/^\[|\]$/g, '');
    let socket: Socket;
    if (this.url.protocol === 'https:') {
      // No SNI for an address (RFC 6066; Node warns on stderr when given one).
      socket = tlsConnect({ host, port, servername: isIP(host) ? undefined : host, rejectUnauthorized: false });
      socket.on('data', (chunk: Buffer) => this.socket === socket && this.onData(chunk));
    } else {
      // Reads land in one reused buffer and go straight to the parser: no Buffer and no stream event per response.
      socket = netConnect({
        host,
        port,
        onread: {
          buffer: READ_BUFFER,
          callback: (n: number, buf: Uint8Array) => {
            if (this.socket === socket) this.onData((buf as Buffer).subarray(0, n));
            return true;
          },
        },
      });
    }
    socket.setNoDelay(true);
    this.answered = 0;
    // Events from a socket this connection has already dropped must not touch the next request.
    socket.on('error', (err) => this.socket === socket && this.onClose(err));
    socket.on('close', () => this.socket === socket && this.onClose());
    return socket;
  }

  private onData(chunk: Buffer): void {
    if (!this.done) {
      this.desync = new ProtocolError(
        `${chunk.length} unexpected bytes arrived after the previous response (is its Content-Length right?)`,
      );
      this.drop();
      return;
    }
    const r = this.parser.feed(chunk);
    if (r === NEED_MORE) return;
    if (r === FAILED) return this.fail(this.parser.error!);
    this.complete();
  }

  private onClose(err?: Error): void {
    this.socket = undefined;
    if (!this.done) return;
    // RFC 9112 §9.3.1: a reused connection the server closed before any byte of the answer (its idle
    // timeout racing our request) is not an answer; an idempotent request may be sent again, once.
    if (this.parser.received === 0 && this.answered > 0 && !this.retried && IDEMPOTENT.has(this.spec.method)) {
      this.retried = true;
      return this.write();
    }
    if (this.parser.received === 0 && this.answered === 0 && this.url.protocol === 'http:') this.suspectTls();
    if (err) return this.fail(err); // a reset is not the clean close that ends a body read until the close
    const r = this.parser.closed();
    if (r === COMPLETE) this.complete();
    else this.fail(err ?? this.parser.error!);
  }

  private complete(): void {
    this.answered++;
    if (!this.parser.keepAlive) this.drop();
    const body = this.spec.checkBody ? this.parser.body : undefined;
    const status = this.parser.status;
    const why = body ? this.spec.checkBody!(body) : undefined;
    this.finish(why ? Object.assign(new Error(why), { code: 'EBODY' }) : null, status);
  }

  private fail(err: Error): void {
    this.drop();
    this.finish(err, 0);
  }

  private finish(err: Error | null, status: number): void {
    const done = this.done;
    this.done = undefined;
    done?.(err, status);
  }

  private drop(): void {
    const s = this.socket;
    this.socket = undefined;
    s?.destroy();
  }
}

export function httpFactory(spec: HttpRequestSpec): ConnectionFactory {
  const url = new URL(spec.url);
  const request = buildRequest(spec);
  const watchdog = new Watchdog<HttpConnection>(spec.timeoutMs);
  const at = { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) || 80 };
  let tls: Promise<boolean> | undefined;
  let isTls = false;
  const suspectTls = () => {
    tls ??= speaksTls(at.host, at.port).then((yes) => (isTls = yes));
  };
  return {
    open: () => new HttpConnection(url, request, spec, watchdog, suspectTls),
    ok: spec.ok,
    settled: async () => void (await tls),
    explain: (err) => {
      const cause = classifyError(err, at);
      if (/^it speaks TLS/.test((err as Error).message ?? '')) return (err as Error).message;
      return isTls && /^(connection reset|the server closed|not HTTP)/.test(cause) ? `${SPEAKS_TLS} (${cause})` : cause;
    },
  };
}
