/**
 * Turns a network or TLS failure into one line a person understands, naming the endpoint and, where
 * possible, the fix. Only causes every protocol shares live here; each kind words its own server's
 * refusals (a Redis at maxclients, a PostgreSQL SQLSTATE) and falls back to this.
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

  const known = byCode(code, at, where, msg);
  if (known) return known;
  if (code.startsWith('HPE_') || e.name === 'HTTPParserError') {
    return `not HTTP: ${where} answered with something that is not an HTTP response`;
  }
  if (code.startsWith('ERR_TLS') || code.includes('CERT') || /certificate|SSL routines|self[- ]signed/i.test(msg)) {
    return `TLS: ${msg}`;
  }
  if (/Protocol error|unexpected.*reply|ERR_PROTOCOL/i.test(msg)) {
    return `not that protocol: ${where} does not speak the expected protocol (${msg})`;
  }
  return `${msg}${code && !msg.includes(code) ? ` (${code})` : ''}`;
}

/** The messages of the codes that say it all, in words that name the place. */
function byCode(code: string, at: Endpoint, where: string, msg: string): string | undefined {
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
    case 'UND_ERR_HEADERS_OVERFLOW':
      return `the response head from ${where} is too large (over 16 KiB of headers): not a sane HTTP answer`;
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
      return `the response body from ${where} does not match its Content-Length`;
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return `TLS: handshake with ${where} failed (is it really serving TLS? ${msg})`;
  }
  return undefined;
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
