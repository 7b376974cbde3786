import type { Redis } from 'ioredis';
import { greeting } from './greeting.js';
import { classifyError, type Endpoint } from './network-errors.js';
import { commonJs } from '../common-js.js';

/** Redis's own refusals, in words; anything else is a network or TLS cause. */
export function explainRedis(err: unknown, at: Endpoint): string {
  const msg = String((err as Error)?.message ?? err);
  const where = `${at.host}:${at.port}`;
  if (/max number of clients reached/i.test(msg))
    return `Redis at ${where} refuses new clients: maxclients reached (raise maxclients, or find what holds the connections: CLIENT LIST)`;
  if (/WRONGPASS|invalid password|invalid username-password/i.test(msg))
    return `authentication failed for Redis at ${where}: wrong password (check the URL's password)`;
  if (/NOAUTH/i.test(msg)) return `authentication required by Redis at ${where}: add a password to the URL (redis://:PASSWORD@host)`;
  if (/LOADING/.test(msg)) return `Redis at ${where} is loading its dataset and not serving yet`;
  return classifyError(err, at);
}

/** What a Redis says on its own as it accepts (at maxclients: "-ERR max number of clients reached"), if anything. */
export function serverGreeting(host: string, port: number, timeoutMs = 300): Promise<string | undefined> {
  return greeting({ host, port }, timeoutMs).then(
    (g) => g.text || undefined,
    () => undefined,
  );
}

/**
 * A client that gives up instead of retrying: a probe reports what it finds, it does not wait for it to get
 * better. With `reconnect`, one that comes back at once after a cut, as a service's client does (a fault's
 * witness, timing the tool's own recovery). Either way the target's TLS setting and timeout hold.
 */
export async function connectRedis(
  url: string,
  o: { timeoutMs: number; tlsVerify: boolean; name: string; reconnect?: boolean; stage?(s: string): void },
): Promise<Redis & { lastError?: unknown }> {
  const { Redis } = commonJs(await import('ioredis'));
  quietPasswordNotice();
  const client: Redis & { lastError?: unknown } = new Redis(url, {
    lazyConnect: true,
    connectTimeout: o.timeoutMs,
    commandTimeout: o.timeoutMs,
    maxRetriesPerRequest: o.reconnect ? 1 : 0,
    retryStrategy: o.reconnect ? () => 10 : () => null,
    enableReadyCheck: false,
    connectionName: o.name,
    tls: url.startsWith('rediss:') ? { rejectUnauthorized: o.tlsVerify } : undefined,
  });
  // ioredis reports the real cause (WRONGPASS, maxclients, a protocol error) only as an event, and the
  // awaited call then fails with a bare "Connection is closed."; keep the event's error to explain it.
  client.on('error', (err) => {
    client.lastError = err;
  });
  client.on('connect', () => o.stage?.('waiting for the handshake (AUTH, CLIENT SETNAME) to be answered'));
  const connecting = client.connect();
  if (url.startsWith('rediss:')) tlsStage(client, o.stage);
  await connecting.catch((err) => {
    client.disconnect();
    throw client.lastError && /Connection is closed/i.test((err as Error).message) ? client.lastError : err;
  });
  return client;
}

/**
 * A TLS port that accepts the connection and never finishes the handshake times out in "TLS handshake",
 * as https does, not in "connecting": ioredis's socket, once it has one, says when TCP has connected.
 */
function tlsStage(client: Redis, stage: ((s: string) => void) | undefined): void {
  const socket = (client as unknown as { stream?: import('node:net').Socket }).stream;
  if (socket) {
    // Connected already (a local port answers at once), or about to.
    if (socket.connecting) socket.once('connect', () => stage?.('TLS handshake'));
    else if (client.status === 'connecting') stage?.('TLS handshake');
  }
  // ioredis makes its socket a few turns of the event loop after connect() is called; the wait ends with the connect either way.
  else if (client.status === 'connecting') setImmediate(() => tlsStage(client, stage));
}

/**
 * ioredis prints "[WARN] ... does not require a password, but a password was supplied" to stderr itself,
 * in the middle of the tool's output. The probe reports that fact as a warning of its own (the password
 * protects nothing), so the library's line is dropped; every other console.warn passes.
 */
let quieted = false;
export function quietPasswordNotice(): void {
  if (quieted) return;
  quieted = true;
  const warn = console.warn.bind(console);
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && /^\[WARN\] .*does not require a password, but a password was supplied/.test(args[0])) return;
    warn(...args);
  };
}
