import { gunzipSync, gzipSync } from 'node:zlib';
import { HistoryError } from './store.js';

/**
 * How a run's whole report is kept: gzip, as base64 text, behind a `gz1:` mark, so the one TEXT column and
 * the same queries serve SQLite and PostgreSQL. A report is mostly repeated keys and histogram text: a
 * year of nightly demo runs is 24.9 MiB instead of 70.3 in SQLite, and 27.8 instead of 30.0 in PostgreSQL,
 * whose own compression of long text does less (`bench/history-size.ts`). Rows written before the mark
 * (schema 2) are plain JSON, and read as they are.
 */
const MARK = 'gz1:';

export function packReport(json: string): string {
  return MARK + gzipSync(json).toString('base64');
}

/** The report's JSON text as it was written; a packed report that does not unpack says so, naming `which` (the run and its place). */
export function unpackReport(kept: string, which: string): string {
  if (!kept.startsWith(MARK)) return kept;
  try {
    return gunzipSync(Buffer.from(kept.slice(MARK.length), 'base64')).toString('utf8');
  } catch (err) {
    throw new HistoryError(`${which}: its kept report is damaged (${(err as Error).message})`);
  }
}

/** The same for a report that may not be there. */
export const unpacked = (kept: string | undefined, which: string): string | undefined =>
  kept === undefined ? undefined : unpackReport(kept, which);
