import type { ConnectionOptions, NatsConnection, TlsOptions } from 'nats';
import { greeting, type Greeting } from './greeting.js';
import { classifyError, endpointOf, type Endpoint } from './network-errors.js';
import { commonJs } from '../common-js.js';

/**
 * NATS connections for probes and bus traffic. A NATS server greets every client with `INFO {...}` at
 * once; the client library, given something else (a Redis, a PostgreSQL), waits for its timeout and says
 * only "TIMEOUT". So the greeting is read first, and what answered is named.
 */
export const NATS_PORT = 4222;

export interface NatsConnectOptions {
  timeoutMs: number;
  name: string;
  /** Reconnect as a service on the bus would (bus traffic), or give up at once (probes). */
  reconnect: boolean;
  /** Check the server's certificate (true unless the target says otherwise). */
  tlsVerify?: boolean;
  stage?(what: string): void;
}

/** Whether the server's INFO offers TLS: then the client upgrades, checking the certificate unless told not to. */
function offersTls(info: string): boolean {
  try {
    const o = JSON.parse(info.slice(5)) as { tls_required?: boolean; tls_available?: boolean };
    return Boolean(o.tls_required || o.tls_available);
  } catch {
    return false;
  }
}

export async function connectNats(url: string, o: NatsConnectOptions): Promise<NatsConnection> {
  const at = endpointOf(url, NATS_PORT);
  // A NATS server sends INFO the moment it accepts; a silent server is something else, told within a second.
  const waitMs = Math.round(Math.min(1000, o.timeoutMs / 2));
  const said = await greeting(at, waitMs);
  if (!said.complete || !said.text.startsWith('INFO ')) throw new NotNatsError(at, said, waitMs);
  o.stage?.('waiting for the NATS handshake (CONNECT, PING, PONG)');
  const { connect } = commonJs(await import('nats'));
  return connect({
    ...serverOf(url),
    name: o.name,
    timeout: o.timeoutMs,
    ...(offersTls(said.text) && { tls: tlsOptions(url, o.tlsVerify ?? true) }),
    ...(o.reconnect
      ? { reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 20, waitOnFirstConnect: false }
      : { reconnect: false }),
  });
}

/**
 * How the client upgrades: its transport hands `tls` to Node's tls.connect as it is (the type lists only the
 * certificate fields). It sends no server name for an IP address and no host either, so Node would check the
 * certificate against "localhost": the host goes with it, as curl checks an address against the IP names.
 */
function tlsOptions(url: string, verify: boolean): TlsOptions {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return { host, ...(verify ? {} : { rejectUnauthorized: false }) } as TlsOptions;
}

/** The URL's credentials as the client takes them: user and password, or a lone user part as a token. */
function serverOf(url: string): Pick<ConnectionOptions, 'servers' | 'user' | 'pass' | 'token'> {
  const u = new URL(url);
  const server = `${u.hostname.includes(':') ? `[${u.hostname}]` : u.hostname}:${u.port || NATS_PORT}`;
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  if (user && pass) return { servers: server, user, pass };
  if (user) return { servers: server, token: user };
  return { servers: server };
}

class NotNatsError extends Error {
  constructor(at: Endpoint, said: Greeting, waitedMs: number) {
    const where = `${at.host}:${at.port}`;
    const quoted = `"${said.text.slice(0, 60)}${said.text.length > 60 ? '…' : ''}"`;
    let why: string;
    if (!said.text)
      why = `${where} accepted the connection but said nothing within ${waitedMs} ms (a NATS server greets with INFO at once)`;
    else if (said.complete || !'INFO '.startsWith(said.text.slice(0, 5)))
      why = `${where} greeted with ${quoted} (a NATS server begins with INFO)`;
    else
      why = `${where} began a greeting (${quoted}) and did not end its line within ${waitedMs} ms (a NATS server sends its INFO line at once)`;
    super(`not NATS: ${why}`);
  }
}

/** One line for what went wrong talking to a NATS server. */
export function explainNats(err: unknown, at: Endpoint): string {
  if (err instanceof NotNatsError) return err.message;
  const e = err as { code?: string; message?: string; chainedError?: unknown };
  const where = `${at.host}:${at.port}`;
  switch (e.code) {
    case 'CONNECTION_REFUSED':
      return `connection refused: nothing is listening on ${where}`;
    case 'AUTHORIZATION_VIOLATION':
      return `authorization violation: ${where} refused the credentials: check the user and password (or the token) in the URL`;
    case 'AUTHENTICATION_EXPIRED':
      return `authentication expired at ${where}`;
    case 'TIMEOUT':
    case 'CONNECTION_TIMEOUT':
      return `timeout: ${where} did not complete the NATS handshake in time`;
    case '503':
      return `JetStream is not enabled on ${where} (start nats-server with -js)`;
    case 'CONNECTION_CLOSED':
    case 'DISCONNECT':
      return `connection closed by ${where}`;
  }
  if (e.chainedError) return withTlsFix(classifyError(e.chainedError, at));
  if (err instanceof SyntaxError) return `not NATS: ${where} sent an INFO line that is not JSON (${e.message})`;
  if (/stream not found/i.test(e.message ?? '')) return `${e.message} on ${where}`;
  return withTlsFix(classifyError(err, at));
}

/** A certificate the probe could not verify: how to trust it, or not check it, in the same line. */
function withTlsFix(line: string): string {
  return /^TLS: .*(verify|self[- ]signed|issuer)/i.test(line)
    ? `${line} (trust its CA with NODE_EXTRA_CA_CERTS=ca.pem, or set tlsVerify: false on the target)`
    : line;
}
