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
      ws.once('close', (code, reason) => CLOSED.set(ws, { code, reason }));
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

/** How each socket was closed, kept for a question asked after the close (a server that closes at once). */
const CLOSED = new WeakMap<WebSocket, { code: number; reason: Buffer }>();

/** RFC 6455 §7.4.1's codes a server closes with, in words. */
const CLOSE_WORDS: Record<number, string> = {
  1000: 'normal closure',
  1001: 'going away',
  1002: 'protocol error',
  1003: 'unsupported data',
  1006: 'closed without a close frame',
  1007: 'invalid data',
  1008: 'policy violation',
  1009: 'message too big',
  1011: 'internal server error',
  1012: 'service restart',
  1013: 'try again later',
};

/** A close the server made while an answer was awaited: its code, what it means and the server's own reason. */
export function closedWords(code: number, reason: Buffer | string): string {
  const text = String(reason);
  return `the server closed the WebSocket: ${code}${CLOSE_WORDS[code] ? ` (${CLOSE_WORDS[code]})` : ''}${text ? `: ${text}` : ''}`;
}

/**
 * Sends with `send` and waits for the answer `event` brings, rejecting on the timeout or at once when
 * the server closes the socket (its close is the answer: waiting on would blame the timeout).
 */
function awaitAnswer<T>(
  ws: WebSocket,
  event: 'pong' | 'message',
  send: () => void,
  timeoutMs: number,
  late: string,
  got: (data: unknown) => T,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      ws.off(event, answered);
      ws.off('close', closed);
    };
    const timer = setTimeout(() => {
      done();
      reject(new WebSocketError(late));
    }, timeoutMs);
    const answered = (data: unknown) => {
      done();
      resolve(got(data));
    };
    const closed = (code: number, reason: Buffer) => {
      done();
      reject(new WebSocketError(closedWords(code, reason)));
    };
    ws.once(event, answered);
    ws.once('close', closed);
    // Closing: its close event is still to come, with the code. Closed: it came before the question.
    if (ws.readyState === ws.CLOSING) return;
    const gone = CLOSED.get(ws);
    if (ws.readyState !== ws.OPEN) return closed(gone?.code ?? 1006, gone?.reason ?? Buffer.from(''));
    send();
  });
}

/** One ping and its pong; rejects when no pong comes within the timeout, or when the server closes. */
export function pingPong(ws: WebSocket, timeoutMs: number): Promise<number> {
  const sent = performance.now();
  const late = `no pong within ${timeoutMs} ms: the server does not answer WebSocket pings`;
  return awaitAnswer(
    ws,
    'pong',
    () => ws.ping(),
    timeoutMs,
    late,
    () => performance.now() - sent,
  );
}

/** Sends a message and waits for the next one the server sends (or its close). */
export function exchange(ws: WebSocket, message: string, timeoutMs: number): Promise<{ reply: string; ms: number }> {
  const sent = performance.now();
  const late = `no reply within ${timeoutMs} ms to the message sent`;
  return awaitAnswer(
    ws,
    'message',
    () => ws.send(message),
    timeoutMs,
    late,
    (data) => ({
      reply: (data as WebSocket.RawData).toString(),
      ms: performance.now() - sent,
    }),
  );
}
