/**
 * Turns whatever a client library threw into one line a person understands, naming the endpoint and,
 * where possible, the fix. Every probe kind funnels its failures through here so causes read alike.
 */
export interface Endpoint {
  host: string;
  port: number | string;
}

interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  cause?: unknown;
  errno?: number;
}

export function classifyError(err: unknown, at: Endpoint): string {
  const e = unwrap(err);
  const code = e.code ?? '';
  const msg = (e.message ?? String(err)).split('\n')[0];
  const where = `${at.host}:${at.port}`;

  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused: nothing is listening on ${where}`;
    case 'ENOTFOUND':
      return `DNS: cannot resolve host "${at.host}"`;
    case 'EAI_AGAIN':
      return `DNS: temporary failure resolving "${at.host}"`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `network: ${where} is unreachable`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'EPIPE':
      return `connection reset: ${where} closed the connection before answering`;
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return `TLS: handshake with ${where} failed (is it really serving TLS? ${msg})`;
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
  if (code.startsWith('HPE_') || e.name === 'HTTPParserError') {
    return `not HTTP: ${where} answered with something that is not an HTTP response`;
  }
  if (code.startsWith('ERR_TLS') || code.includes('CERT') || /certificate|SSL routines|self[- ]signed/i.test(msg)) {
    return `TLS: ${msg}`;
  }
  if (/WRONGPASS|invalid password|invalid username-password/i.test(msg)) {
    return `authentication failed for Redis at ${where}: wrong password (check the URL's password)`;
  }
  if (/NOAUTH/i.test(msg)) {
    return `authentication required by Redis at ${where}: add a password to the URL (redis://:PASSWORD@host)`;
  }
  if (/Protocol error|unexpected.*reply|ERR_PROTOCOL/i.test(msg)) {
    return `not that protocol: ${where} does not speak the expected protocol (${msg})`;
  }
  if (/Connection terminated unexpectedly/i.test(msg)) {
    return `connection closed by ${where} during the handshake (not PostgreSQL, or it refused this client)`;
  }
  if (/server does not support SSL/i.test(msg)) {
    return `TLS: ${where} does not support TLS; remove sslmode or use sslmode=disable`;
  }
  return `${msg}${code && !msg.includes(code) ? ` (${code})` : ''}`;
}

/** Error causes nest (AggregateError from happy-eyeballs, undici's cause chain); the innermost coded one explains best. */
function unwrap(err: unknown): ErrorLike {
  let current = err as ErrorLike & { errors?: unknown[] };
  for (let i = 0; i < 5 && current; i++) {
    if (current.code && !/^UND_ERR$/.test(current.code)) return current;
    if (Array.isArray(current.errors) && current.errors.length > 0) current = current.errors[0] as typeof current;
    else if (current.cause) current = current.cause as typeof current;
    else break;
  }
  return (current ?? {}) as ErrorLike;
}

export function endpointOf(url: string, defaultPort: number): Endpoint {
  const u = new URL(url);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port || defaultPort };
}
