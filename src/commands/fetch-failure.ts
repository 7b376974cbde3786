/** Why a fetch to a webhook or a gateway failed, in words naming host:port (fetch's own "fetch failed" says nothing). */
export function fetchFailure(e: Error & { cause?: { code?: string; message?: string } }, where: string): string {
  if (e.name === 'TimeoutError') return 'no answer within 10 s';
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
