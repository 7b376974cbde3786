/** A target's URL with a request path applied: `path` replaces the URL's path (and query, if it has one). */
export function requestUrl(target: { url: string; path?: string }, defaultPath?: string): string {
  const u = new URL(target.url);
  const path = target.path ?? (u.pathname === '/' && defaultPath ? defaultPath : undefined);
  if (path) {
    const [p, q] = path.split('?');
    u.pathname = p;
    if (q !== undefined) u.search = q;
  }
  return u.toString();
}
