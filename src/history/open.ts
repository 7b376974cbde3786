import { HistoryError, type HistoryStore } from './store.js';

/**
 * The store a place names: `postgres://...` (or postgresql://) is a team's PostgreSQL; anything else is a
 * folder on this machine holding the embedded store (`.validate/history`). Loaded only when asked.
 */
export async function openHistory(place: string, o: { readOnly?: boolean } = {}): Promise<HistoryStore> {
  if (/^postgres(ql)?:\/\//.test(place)) return (await import('./postgres-store.js')).openPostgres(place);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(place))
    throw new HistoryError(`--history ${place.replace(/\/\/[^@/]*@/, '//***@')}: a history is a folder or a postgres:// URL`);
  return (await import('./sqlite-store.js')).openSqlite(place, o);
}

/** `--keep 400` (runs) or `--keep 1y`, `90d`, `12w` (age). */
export function parseKeep(spec: string): { runs?: number; olderThanMs?: number } | undefined {
  if (/^\d+$/.test(spec) && Number(spec) > 0) return { runs: Number(spec) };
  const m = /^(\d+)(d|w|y)$/.exec(spec);
  if (!m || Number(m[1]) === 0) return undefined;
  const day = 86_400_000;
  return { olderThanMs: Number(m[1]) * { d: day, w: 7 * day, y: 365 * day }[m[2] as 'd' | 'w' | 'y'] };
}
