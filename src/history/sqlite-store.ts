import { unpacked } from './report-codec.js';
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { suggest } from '../util/suggest.js';
import type { Database } from 'better-sqlite3';
import type { HistoryRun } from './record.js';
import { CHILD_TABLES, DDL, migrationsFrom, SCHEMA_VERSION } from './schema.js';
import { HistoryError, runId, type HistoryStore, type RunFilter, type RunSummary } from './store.js';
import { childRows, chooseRuns, LOAD_SUMMARY_COLUMNS, RUN_COLUMNS, runRow, summaryOf, type LoadRow, type RunRow } from './rows.js';

/** SQLite's own codes, in words a user can act on. */
const SQLITE_WORDS: Record<string, string> = {
  SQLITE_NOTADB: 'is not a SQLite database (corrupted, or another file): move it aside and a new history is started',
  SQLITE_CORRUPT: 'is corrupted: move it aside and a new history is started (or recover it with sqlite3 .recover)',
  SQLITE_READONLY: 'is read-only: give the process write access, or another --history',
  SQLITE_CANTOPEN: 'cannot be opened (a read-only folder, or a path that is not a folder)',
  SQLITE_FULL: 'is on a full disk: free space, or prune it with --keep',
  SQLITE_IOERR: 'could not be written (an I/O error: a full or failing disk?)',
  SQLITE_BUSY: 'stayed locked by another writer for 10 s',
};

function explain(place: string, err: unknown): HistoryError {
  const e = err as { code?: string; message?: string };
  const code = Object.keys(SQLITE_WORDS).find((k) => e.code === k || e.code?.startsWith(`${k}_`));
  if (code) return new HistoryError(`history ${place} ${SQLITE_WORDS[code]} (${e.message})`);
  const fs = e.code && ['EACCES', 'EROFS', 'ENOSPC', 'ENOTDIR', 'EEXIST'].includes(e.code);
  return new HistoryError(`history ${place}: ${fs ? `the folder cannot be made (${e.message})` : (e.message ?? String(err))}`);
}

/**
 * The embedded history: one SQLite file in a folder (`.validate/history/history.db`), in WAL mode with a
 * busy timeout, so several processes on one machine (two CI jobs finishing together) append without
 * losing a run: SQLite's own locking serializes their writes.
 */
export async function openSqlite(folder: string, o: { readOnly?: boolean } = {}): Promise<HistoryStore> {
  const file = join(folder, 'history.db');
  let db: Database;
  let copy: string | undefined;
  if (o.readOnly) mustExist(folder, file);
  else makeFolder(folder);
  try {
    const { default: Sqlite } = await import('better-sqlite3');
    if (o.readOnly) ({ db, copy } = openReading(Sqlite, file));
    else {
      db = new Sqlite(file, { timeout: 10_000 });
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      migrate(db, file);
    }
  } catch (err) {
    if (err instanceof HistoryError) throw err;
    throw explain(file, err);
  }
  const guard = <T>(f: () => T): Promise<T> => {
    try {
      return Promise.resolve(f());
    } catch (err) {
      return Promise.reject(err instanceof HistoryError ? err : explain(file, err));
    }
  };
  return {
    place: file,
    append: (run) => guard(() => append(db, run)),
    list: (filter) => guard(() => list(db, filter)),
    report: (id) =>
      guard(() =>
        unpacked(
          (db.prepare('SELECT report FROM runs WHERE id = ?').get(id) as { report: string } | undefined)?.report,
          `run ${id} in ${file}`,
        ),
      ),
    prune: (keep) => guard(() => prune(db, keep)),
    close: async () => {
      db.close();
      if (copy) rmSync(copy, { recursive: true, force: true });
    },
  };
}

/** A history only read (history, trend): it must be there; a typo must not make an empty one and call it empty. */
function mustExist(folder: string, file: string): void {
  if (!existsSync(folder)) {
    const parent = dirname(folder);
    const siblings = existsSync(parent)
      ? readdirSync(parent, { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => d.name)
      : [];
    const like = suggest(basename(folder), siblings);
    throw new HistoryError(
      `history ${folder} does not exist${like ? `: did you mean ${join(parent, like)}?` : ''} (validate run --history ${folder} keeps runs there)`,
    );
  }
  if (!existsSync(file))
    throw new HistoryError(`history ${folder} holds no history.db: no run was kept there (validate run --history ${folder} keeps them)`);
}

/**
 * Reads the file where it is, never writing to it. Where SQLite cannot (a read-only copy of a WAL-mode
 * history, a CI artifact or a read-only mount, where it cannot make its -shm file), or where the history
 * is of an older schema (migrating is writing), it reads a private copy of it and its WAL instead.
 */
function openReading(Sqlite: typeof import('better-sqlite3'), file: string): { db: Database; copy?: string } {
  try {
    const db = new Sqlite(file, { readonly: true, fileMustExist: true, timeout: 10_000 });
    const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
    if (Number(row?.value) === SCHEMA_VERSION) return { db };
    db.close();
  } catch (err) {
    const code = String((err as { code?: string }).code);
    if (!code.startsWith('SQLITE_READONLY') && !code.startsWith('SQLITE_CANTOPEN')) throw err;
  }
  const copy = mkdtempSync(join(tmpdir(), 'validate-history-'));
  for (const suffix of ['', '-wal']) if (existsSync(file + suffix)) copyFileSync(file + suffix, join(copy, `history.db${suffix}`));
  const db = new Sqlite(join(copy, 'history.db'), { fileMustExist: true });
  try {
    migrate(db, file);
  } catch (err) {
    db.close();
    rmSync(copy, { recursive: true, force: true });
    throw err;
  }
  return { db, copy };
}

/** The folder, or why it cannot be made, asked of its nearest existing parent (mkdir -p says only ENOENT on a read-only mount). */
function makeFolder(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true });
  } catch (err) {
    let parent = dirname(folder);
    while (!existsSync(parent) && parent !== dirname(parent)) parent = dirname(parent);
    let why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    try {
      accessSync(parent, constants.W_OK);
    } catch (e) {
      why = (e as NodeJS.ErrnoException).code ?? why;
    }
    const words: Record<string, string> = {
      EROFS: 'its filesystem is read-only',
      EACCES: 'no permission to write there',
      ENOSPC: 'the disk is full',
    };
    throw new HistoryError(`history folder ${folder} cannot be made: ${words[why] ?? why} (in ${parent}); give a writable folder`);
  }
}

function migrate(db: Database, file: string): void {
  db.transaction(() => {
    for (const ddl of DDL) db.exec(ddl);
    const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
    const found = Number(row?.value ?? 0);
    if (found > SCHEMA_VERSION)
      throw new HistoryError(
        `history ${file} was written by a newer validate (history schema ${found}; this one knows up to ${SCHEMA_VERSION}): upgrade validate, or use another --history`,
      );
    if (found < SCHEMA_VERSION) {
      for (const step of migrationsFrom(found)) db.exec(step);
      db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
    }
  }).immediate();
}

function append(db: Database, run: HistoryRun): string {
  const id = runId(run);
  db.transaction(() => {
    db.prepare(`INSERT INTO runs (${RUN_COLUMNS.join(', ')}) VALUES (${RUN_COLUMNS.map(() => '?').join(', ')})`).run(...runRow(id, run));
    for (const [table, columns] of Object.entries(CHILD_TABLES)) {
      const insert = db.prepare(`INSERT INTO ${table} (run_id, ${columns.join(', ')}) VALUES (?, ${columns.map(() => '?').join(', ')})`);
      for (const values of childRows(run, table as keyof typeof CHILD_TABLES)) insert.run(id, ...values);
    }
  }).immediate();
  return id;
}

function list(db: Database, filter: RunFilter): RunSummary[] {
  const rows = db
    .prepare('SELECT id, started_at, verdict, platform, labels, blockers, duration_ms FROM runs ORDER BY started_at, id')
    .all() as RunRow[];
  const chosen = chooseRuns(rows, filter);
  const loads = db.prepare(`SELECT ${LOAD_SUMMARY_COLUMNS} FROM loads WHERE run_id = ?`);
  const criteria = db.prepare('SELECT name, actual, bound, outcome FROM criteria WHERE run_id = ?');
  const probes = db.prepare('SELECT series, value FROM probe_numbers WHERE run_id = ?');
  return chosen.map((r) =>
    summaryOf(
      r,
      loads.all(r.id) as LoadRow[],
      criteria.all(r.id) as { name: string; actual: number | null; bound: number | null; outcome: string }[],
      probes.all(r.id) as { series: string; value: number }[],
    ),
  );
}

function prune(db: Database, keep: { runs?: number; olderThanMs?: number }): number {
  let gone = 0;
  db.transaction(() => {
    if (keep.olderThanMs !== undefined) {
      const cutoff = new Date(Date.now() - keep.olderThanMs).toISOString();
      gone += db.prepare('DELETE FROM runs WHERE started_at < ?').run(cutoff).changes;
    }
    if (keep.runs !== undefined)
      gone += db
        .prepare('DELETE FROM runs WHERE id NOT IN (SELECT id FROM runs ORDER BY started_at DESC, id DESC LIMIT ?)')
        .run(keep.runs).changes;
  }).immediate();
  return gone;
}
