/** What --push and --notify share of sending to someone else's server: the URL's credentials as a header, and a failure in words. */

/** Why a fetch to a webhook or a gateway failed, in words naming host:port (fetch's own "fetch failed" says nothing). */
export function fetchFailure(e: Error & { cause?: { code?: string; message?: string } }, where: string): string {
  if (e.name === 'TimeoutError') return `no answer from ${where} within 10 s`;
  switch (e.cause?.code) {
    case 'ECONNREFUSED':
      return `connection refused: nothing is listening on ${where}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `DNS: cannot resolve ${where.replace(/:\d+$/, '')}`;
    default:
      // fetch's own "fetch failed" says nothing: its cause does ("bad port": a port the Fetch standard blocks).
      if (e.cause?.code) return `${e.cause.message ?? e.message} (${e.cause.code})`;
      return e.cause?.message ? `${e.cause.message}` : e.message;
  }
}

/**
 * A URL that may carry credentials (`https://ops:pw@gateway`), as fetch takes it: the URL without them
 * (fetch refuses one that has them), them as a Basic authorization header, and host:port for messages.
 */
export function withoutCredentials(url: URL): { target: URL; authorization?: string; where: string } {
  const target = new URL(url);
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  target.username = '';
  target.password = '';
  const where = `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
  return { target, where, ...((user || password) && { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` }) };
}
