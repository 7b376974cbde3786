import type { Client } from 'pg';
import { classifyError, type Endpoint } from './network-errors.js';

/** PostgreSQL's own refusals (SQLSTATE codes), in words; anything else is a network or TLS cause. */
export function explainPostgres(err: unknown, at: Endpoint): string {
  const e = err as { code?: string; message?: string };
  const msg = String(e?.message ?? err).split('\n')[0];
  const where = `${at.host}:${at.port}`;
  switch (e?.code) {
    case '28P01':
      return `authentication failed for PostgreSQL at ${where}: wrong password`;
    case '28000':
      return `authentication failed for PostgreSQL at ${where}: ${msg}`;
    case '3D000':
      return `PostgreSQL at ${where}: ${msg}`;
    case '53300':
      return `PostgreSQL at ${where} refuses connections: too many clients (max_connections reached)`;
    case '57P03':
      return `PostgreSQL at ${where} is starting up or shutting down: ${msg}`;
  }
  if (/Connection terminated unexpectedly/i.test(msg))
    return `connection closed by ${where} during the handshake (not PostgreSQL, or it refused this client)`;
  if (/server does not support SSL/i.test(msg)) return `TLS: ${where} does not support TLS; remove sslmode or use sslmode=disable`;
  return classifyError(err, at);
}

/**
 * A connected client that gives up at the timeout and never retries: what a probe, a fault and a load
 * connection all use, so each honours the target's timeout and the URL's TLS (sslmode) alike. An abort
 * (pg has none) destroys its socket, which makes every pending call reject at once.
 */
export async function connectPostgres(
  url: string,
  o: {
    timeoutMs: number;
    application: string;
    signal?: AbortSignal;
    stage?(s: string): void;
    /** Asked only if the server wants a password: the URL's (or PGPASSWORD) otherwise. */
    password?: () => string;
  },
): Promise<Client> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: o.timeoutMs,
    query_timeout: o.timeoutMs,
    statement_timeout: o.timeoutMs,
    application_name: o.application,
    ...(o.password && { password: o.password }),
  });
  client.on('error', () => undefined); // a dropped connection is reported by the awaited query
  const internal = client as unknown as { connection?: { stream?: NodeJS.EventEmitter & { destroy(): void } } };
  const destroy = () => internal.connection?.stream?.destroy();
  o.signal?.addEventListener('abort', destroy, { once: true });
  o.stage?.('connecting');
  const connecting = client.connect();
  internal.connection?.stream?.once('connect', () => o.stage?.('waiting for the server to answer the startup message'));
  try {
    await connecting;
  } catch (err) {
    o.signal?.removeEventListener('abort', destroy);
    await client.end().catch(() => undefined);
    throw err;
  }
  client.once('end', () => o.signal?.removeEventListener('abort', destroy));
  return client;
}
