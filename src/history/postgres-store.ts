import { unpacked } from './report-codec.js';
import type { Client } from 'pg';
import { explainPostgres } from '../protocols/postgres.js';
import { endpointOf } from '../protocols/network-errors.js';
import { redactUrl } from '../util/redact.js';
import type { HistoryRun } from './record.js';
import { childRows, chooseRuns, LOAD_SUMMARY_COLUMNS, RUN_COLUMNS, runRow, summaryOf, type RunRow } from './rows.js';
import { CHILD_TABLES, DDL, migrationsFrom, SCHEMA_VERSION } from './schema.js';
import { HistoryError, runId, type HistoryStore, type RunFilter, type RunSummary } from './store.js';

/** Any number, the same for every validate: the lock two writers take while one of them makes the tables. */
const MIGRATION_LOCK = 727_100_019;

/**
 * The team history: the same tables in a PostgreSQL database, made (and migrated) by the first run that
 * finds them missing, under an advisory lock so two CI jobs starting together do not race; each run is
 * one transaction, so two finishing together both land whole.
 */
export async function openPostgres(url: string, timeoutMs = 10_000): Promise<HistoryStore> {
  const place = redactUrl(url);
  const at = endpointOf(url, 5432);
  const fail = (err: unknown) => (err instanceof HistoryError ? err : new HistoryError(`history ${place} (--history): ${why(err)}`));
  // pg's own words for its connection timeout name neither the host nor how long it waited.
  const why = (err: unknown) =>
    /timeout expired|connection timeout/i.test(String((err as Error)?.message))
      ? `no answer from ${at.host}:${at.port} within ${timeoutMs / 1000} s (a firewall dropping the packets, or the wrong host)`
      : explainPostgres(err, at);
  let client: Client;
  try {
    const { default: pg } = await import('pg');
    client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, application_name: 'validate-history' });
    client.on('error', () => undefined);
    await client.connect();
  } catch (err) {
    throw fail(err);
  }
  const guard = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      throw fail(err);
    }
  };
  await guard(() => migrate(client, place)).catch(async (err) => {
    await client.end().catch(() => undefined);
    throw err;
  });
  return {
    place,
    append: (run) => guard(() => append(client, run)),
    list: (filter) => guard(() => list(client, filter)),
    report: (id) =>
      guard(async () =>
        unpacked(
          (await client.query('SELECT report FROM runs WHERE id = $1', [id])).rows[0]?.report as string | undefined,
          `run ${id} in ${place}`,
        ),
      ),
    prune: (keep) => guard(() => prune(client, keep)),
    close: () => client.end().catch(() => undefined),
  };
}

async function inTransaction<T>(client: Client, f: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const out = await f();
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

async function migrate(client: Client, place: string): Promise<void> {
  await inTransaction(client, async () => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    for (const ddl of DDL) await client.query(ddl);
    const found = Number((await client.query("SELECT value FROM meta WHERE key = 'schema_version'")).rows[0]?.value ?? 0);
    if (found > SCHEMA_VERSION)
      throw new HistoryError(
        `history ${place} was written by a newer validate (history schema ${found}; this one knows up to ${SCHEMA_VERSION}): upgrade validate, or use another --history`,
      );
    if (found < SCHEMA_VERSION) for (const step of migrationsFrom(found)) await client.query(step);
    if (found < SCHEMA_VERSION)
      await client.query(
        "INSERT INTO meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        [String(SCHEMA_VERSION)],
      );
  });
}

async function append(client: Client, run: HistoryRun): Promise<string> {
  const id = runId(run);
  await inTransaction(client, async () => {
    await client.query(
      `INSERT INTO runs (${RUN_COLUMNS.join(', ')}) VALUES (${RUN_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`,
      runRow(id, run),
    );
    for (const [table, columns] of Object.entries(CHILD_TABLES)) {
      const marks = columns.map((_, i) => `$${i + 2}`).join(', ');
      for (const values of childRows(run, table as keyof typeof CHILD_TABLES))
        await client.query(`INSERT INTO ${table} (run_id, ${columns.join(', ')}) VALUES ($1, ${marks})`, [id, ...values]);
    }
  });
  return id;
}

async function list(client: Client, filter: RunFilter): Promise<RunSummary[]> {
  const rows = (
    await client.query('SELECT id, started_at, verdict, platform, labels, blockers, duration_ms FROM runs ORDER BY started_at, id')
  ).rows as RunRow[];
  const chosen = chooseRuns(rows, filter);
  const out: RunSummary[] = [];
  for (const r of chosen) {
    const loads = (await client.query(`SELECT ${LOAD_SUMMARY_COLUMNS} FROM loads WHERE run_id = $1`, [r.id])).rows;
    const criteria = (await client.query('SELECT name, actual, bound, outcome FROM criteria WHERE run_id = $1', [r.id])).rows;
    const probes = (await client.query('SELECT series, value FROM probe_numbers WHERE run_id = $1', [r.id])).rows;
    out.push(summaryOf(r, loads, criteria, probes));
  }
  return out;
}

async function prune(client: Client, keep: { runs?: number; olderThanMs?: number }): Promise<number> {
  return inTransaction(client, async () => {
    let gone = 0;
    if (keep.olderThanMs !== undefined)
      gone +=
        (await client.query('DELETE FROM runs WHERE started_at < $1', [new Date(Date.now() - keep.olderThanMs).toISOString()])).rowCount ??
        0;
    if (keep.runs !== undefined)
      gone +=
        (
          await client.query('DELETE FROM runs WHERE id NOT IN (SELECT id FROM runs ORDER BY started_at DESC, id DESC LIMIT $1)', [
            keep.runs,
          ])
        ).rowCount ?? 0;
    return gone;
  });
}
