import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { tlsFacts, type TlsFacts } from '../tls-handshake.js';

export type { TlsFacts };
import type { Dispatcher } from 'undici';
import { commonJs } from '../../common-js.js';

export interface FetchOptions {
  url: string;
  method: string;
  headers: Record<string, string>;
  maxBodyBytes: number;
  timeoutMs: number;
  tlsVerify: boolean;
  signal: AbortSignal;
  stage(what: string): void;
  /**
   * Send the request again on the same connection (WARM_REPEATS times) and time those: the response
   * time of a warm connection, without the connect, the TLS handshake and the process's first-request cost.
   */
  warm?: boolean;
}

export interface FetchResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  truncated: boolean;
  /** TCP connect. */
  connectMs: number;
  /** TLS handshake, https only. */
  tlsMs?: number;
  /** What the TLS handshake showed, https only: the server's certificate and the session's protocol. */
  tls?: TlsFacts;
  /** First request: from writing it to its first response byte, and to its last. */
  ttfbMs: number;
  firstMs: number;
  /** The median of the same request repeated on the open connection, when asked and the server kept it open. */
  warmMs?: number;
  /** Connect + TLS + first request: what a one-shot client sees. */
  totalMs: number;
}

/**
 * Warm requests timed per probe. The first on a connection still pays the client's just-in-time
 * compilation (0.7 ms where curl takes 0.3); the median of three is the settled figure, and one
 * outlier (a garbage collection) moves it neither way.
 */
const WARM_REPEATS = 3;

/** `user:password@` in a URL becomes basic credentials (unless an Authorization header is given). */
export function withUrlCredentials(url: URL, headers: Record<string, string>): Record<string, string> {
  if (!url.username || Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) return headers;
  const basic = Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64');
  return { ...headers, authorization: `Basic ${basic}` };
}

/**
 * One HTTP exchange on its own connection (no pool shared between probes, so a hostile server cannot
 * hold a socket another probe needs), body read up to a cap so a huge answer cannot exhaust memory.
 * The socket is opened here, so connect and TLS are timed apart from the request.
 */
export async function fetchCapped(o: FetchOptions): Promise<FetchResult> {
  const { Client } = commonJs(await import('undici'));
  const url = new URL(o.url);
  const headers = withUrlCredentials(url, o.headers);
  const timing = { connectMs: 0, tlsMs: undefined as number | undefined, tls: undefined as TlsFacts | undefined, connects: 0 };
  const client = new Client(url.origin, {
    headersTimeout: o.timeoutMs,
    bodyTimeout: o.timeoutMs,
    connect: (_opts, cb) => {
      timing.connects++;
      openSocket(url, o, timing).then(
        (s) => cb(null, s),
        (err: Error) => cb(err, null),
      );
    },
  });
  const request = async () => {
    const t0 = performance.now();
    const res: Dispatcher.ResponseData = await client.request({
      path: url.pathname + url.search,
      method: o.method as Dispatcher.HttpMethod,
      headers,
      signal: o.signal,
    });
    const ttfbMs = performance.now() - t0;
    o.stage(`reading the response body (status ${res.statusCode} received)`);
    const { body, truncated } = await readCapped(res.body, o.maxBodyBytes).catch((err: Error) => {
      // The answer began: a close now is a body cut short, not a server that never answered.
      if (o.signal.aborted || !/UND_ERR_SOCKET|ECONNRESET|other side closed/.test(`${(err as { code?: string }).code} ${err.message}`))
        throw err;
      throw new Error(`the connection closed in the middle of the response body (status ${res.statusCode} received)`);
    });
    return { res, body, truncated, ttfbMs, ms: performance.now() - t0 };
  };
  const started = performance.now();
  try {
    o.stage('connecting and waiting for the response headers');
    const first = await request();
    const setupMs = timing.connectMs + (timing.tlsMs ?? 0);
    const result: FetchResult = {
      status: first.res.statusCode,
      headers: first.res.headers,
      body: first.body,
      truncated: first.truncated,
      connectMs: timing.connectMs,
      tlsMs: timing.tlsMs,
      ...(timing.tls && { tls: timing.tls }),
      ttfbMs: Math.max(0, first.ttfbMs - setupMs),
      firstMs: Math.max(0, first.ms - setupMs),
      totalMs: performance.now() - started,
    };
    if (o.warm && keptAlive(first.res)) {
      const warmMs = await warmTime(o, timing, () => request().then((r) => r.ms), performance.now() - started + first.ms);
      if (warmMs !== undefined) result.warmMs = warmMs;
    }
    return result;
  } finally {
    client.destroy().catch(() => undefined);
  }
}

/**
 * The request timed again on the open connection: the median of a few. Repeats cost what the first request
 * cost, so only while they fit a quarter of the timeout (a slow endpoint's first request is already
 * dominated by the server, not by the connection); and only when the server kept the connection (a
 * reconnect would time the connect again).
 */
async function warmTime(
  o: FetchOptions,
  timing: { connects: number },
  again: () => Promise<number>,
  spentMs: number,
): Promise<number | undefined> {
  o.stage('timing the request again on the open connection');
  const connects = timing.connects;
  const times: number[] = [];
  const began = performance.now();
  const affordable = () => spentMs + (performance.now() - began) <= o.timeoutMs / 4;
  for (let i = 0; i < WARM_REPEATS && timing.connects === connects && affordable(); i++) times.push(await again());
  return times.length && timing.connects === connects ? times.sort((a, b) => a - b)[Math.floor(times.length / 2)] : undefined;
}

function keptAlive(res: Dispatcher.ResponseData): boolean {
  const c = res.headers.connection;
  return !(typeof c === 'string' && /close/i.test(c));
}

async function openSocket(url: URL, o: FetchOptions, timing: { connectMs: number; tlsMs?: number; tls?: TlsFacts }): Promise<Socket> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  const t0 = performance.now();
  const tcp = await new Promise<Socket>((resolve, reject) => {
    const s = netConnect({ host, port });
    // A busy loop runs due timers before the I/O already waiting: a connection made by the deadline is read first.
    const timer = setTimeout(
      () =>
        setImmediate(() => {
          if (!s.connecting) return;
          s.destroy();
          reject(Object.assign(new Error(`connect timeout after ${o.timeoutMs} ms`), { code: 'ETIMEDOUT' }));
        }),
      o.timeoutMs,
    );
    s.once('connect', () => {
      clearTimeout(timer);
      resolve(s);
    });
    s.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
  timing.connectMs = performance.now() - t0;
  if (url.protocol !== 'https:') return tcp;
  o.stage('TLS handshake');
  const t1 = performance.now();
  const secure = await new Promise<Socket>((resolve, reject) => {
    // The identity is checked against `host`: an IP address against the certificate's IP SANs (never sent as
    // SNI, which RFC 6066 forbids), a name against its DNS SANs and sent as SNI. Without `host`, Node checks
    // a socket it did not open against "localhost".
    const s = tlsConnect({
      socket: tcp,
      host,
      servername: isIP(host) ? undefined : host,
      rejectUnauthorized: o.tlsVerify,
      ALPNProtocols: ['http/1.1'],
    });
    s.once('secureConnect', () => {
      timing.tls = tlsFacts(s);
      resolve(s);
    });
    s.once('error', (err) => {
      tcp.destroy();
      reject(err);
    });
  });
  timing.tlsMs = performance.now() - t1;
  return secure;
}

async function readCapped(body: Dispatcher.ResponseData['body'], max: number): Promise<{ body: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    if (size + buf.length > max) {
      chunks.push(buf.subarray(0, max - size));
      body.destroy();
      return { body: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(buf);
    size += buf.length;
  }
  return { body: Buffer.concat(chunks), truncated: false };
}

/** A body read as JSON, or undefined when it is empty or not JSON (the caller says what it expected). */
export function jsonOf(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
