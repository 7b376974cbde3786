import { classifyError, type Endpoint } from './network-errors.js';

/** PostgreSQL's own refusals (SQLSTATE codes), in words; anything else is a network or TLS cause. */
export function explainPostgres(err: unknown, at: Endpoint): string {
  const e = err as { code?: string; message?: string };
  const msg = String(e?.message ?? err).split('\n')[0];
  const where = `${at.host}:${at.port}`;
  switch (e?.code) {
    case '28P01': return `authentication failed for PostgreSQL at ${where}: wrong password`;
    case '28000': return `authentication failed for PostgreSQL at ${where}: ${msg}`;
    case '3D000': return `PostgreSQL at ${where}: ${msg}`;
    case '53300': return `PostgreSQL at ${where} refuses connections: too many clients (max_connections reached)`;
    case '57P03': return `PostgreSQL at ${where} is starting up or shutting down: ${msg}`;
  }
  if (/Connection terminated unexpectedly/i.test(msg)) return `connection closed by ${where} during the handshake (not PostgreSQL, or it refused this client)`;
  if (/server does not support SSL/i.test(msg)) return `TLS: ${where} does not support TLS; remove sslmode or use sslmode=disable`;
  return classifyError(err, at);
}

