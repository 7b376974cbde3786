import type WebSocket from 'ws';
import { classifyError, endpointOf, type Endpoint } from './network-errors.js';

/** Why a WebSocket did not open, in words: not a WebSocket endpoint, an upgrade refused, or the network's cause. */
export class WebSocketError extends Error {}

export interface OpenOptions {
  headers?: Record<string, string>;
  tlsVerify?: boolean;
  /** Gives up on the upgrade after this long. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export function wsEndpoint(url: string): Endpoint {
  return endpointOf(url.replace(/^ws/, 'http'), url.startsWith('wss:') ? 443 : 80);
}

/** Opens a WebSocket; resolves once the upgrade is done (101), with how long it took. */
export async function openWebSocket(url: string, o: OpenOptions): Promise<{ ws: WebSocket; openMs: number }> {
  const { default: WS } = await import('ws');
  const at = wsEndpoint(url);
  const started = performance.now();
  const ws = new WS(url, {
    headers: o.headers,
    rejectUnauthorized: o.tlsVerify ?? true,
    handshakeTimeout: o.timeoutMs,
    perMessageDeflate: false,
  });
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => {
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
      reject(err);
    };
    const abort = () => fail(new WebSocketError('stopped'));
    o.signal?.addEventListener('abort', abort, { once: true });
    ws.once('open', () => {
      o.signal?.removeEventListener('abort', abort);
      resolve({ ws, openMs: performance.now() - started });
    });
    // The server answered the upgrade request with a plain HTTP response.
    ws.once('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      const why =
        status >= 200 && status < 300
          ? `not a WebSocket endpoint: ${at.host}:${at.port} answered the upgrade request with HTTP ${status}, not 101 Switching Protocols`
          : `the WebSocket upgrade was refused: HTTP ${status}${status === 401 || status === 403 ? ' (credentials? add headers)' : status === 404 ? ' (is the path right?)' : ''}`;
      fail(new WebSocketError(why));
    });
    ws.once('error', (err) => fail(new WebSocketError(wordError(err, at))));
  });
}

function wordError(err: Error, at: Endpoint): string {
  if (/Opening handshake has timed out/i.test(err.message)) return `no answer to the WebSocket upgrade from ${at.host}:${at.port}`;
  if (/Invalid Sec-WebSocket-Accept|Invalid Upgrade header|Unexpected server response/i.test(err.message))
    return `not a WebSocket endpoint: ${at.host}:${at.port} answered the upgrade wrongly (${err.message})`;
  return classifyError(err, at);
}

/** One ping and its pong; rejects when no pong comes within the timeout. */
export function pingPong(ws: WebSocket, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const sent = performance.now();
    const timer = setTimeout(() => {
      ws.off('pong', pong);
      reject(new WebSocketError(`no pong within ${timeoutMs} ms: the server does not answer WebSocket pings`));
    }, timeoutMs);
    const pong = () => {
      clearTimeout(timer);
      resolve(performance.now() - sent);
    };
    ws.once('pong', pong);
    ws.ping();
  });
}

/** Sends a message and waits for the next one the server sends. */
export function exchange(ws: WebSocket, message: string, timeoutMs: number): Promise<{ reply: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const sent = performance.now();
    const timer = setTimeout(() => {
      ws.off('message', got);
      reject(new WebSocketError(`no reply within ${timeoutMs} ms to the message sent`));
    }, timeoutMs);
    const got = (data: WebSocket.RawData) => {
      clearTimeout(timer);
      resolve({ reply: data.toString(), ms: performance.now() - sent });
    };
    ws.once('message', got);
    ws.send(message);
  });
}
