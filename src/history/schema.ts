/**
 * The history's tables, the same for the embedded store (SQLite) and the team store (PostgreSQL): plain
 * types both read alike (TEXT for times in ISO 8601 and for JSON, DOUBLE PRECISION for numbers), so one
 * set of queries serves both. `meta.schema_version` says which version wrote it: a newer one is refused.
 */
export const SCHEMA_VERSION = 4;

/** Each probe's numbers (unlabelled measurements), by series name: what a trend of a probe reads. */
const PROBE_NUMBERS_DDL = `CREATE TABLE IF NOT EXISTS probe_numbers (
     run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
     series TEXT NOT NULL, value DOUBLE PRECISION NOT NULL)`;

export const DDL = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS runs (
     id TEXT PRIMARY KEY,
     started_at TEXT NOT NULL,
     verdict TEXT NOT NULL,
     platform TEXT NOT NULL,
     config_hash TEXT NOT NULL,
     labels TEXT NOT NULL,
     tool_version TEXT NOT NULL,
     duration_ms DOUBLE PRECISION NOT NULL,
     blockers TEXT NOT NULL,
     report TEXT NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS runs_started ON runs (started_at)`,
  `CREATE TABLE IF NOT EXISTS criteria (
     run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
     name TEXT NOT NULL, expression TEXT NOT NULL, actual DOUBLE PRECISION, bound DOUBLE PRECISION, outcome TEXT NOT NULL,
     status TEXT NOT NULL, unit TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS probes (
     run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
     name TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, latency_ms DOUBLE PRECISION)`,
  `CREATE TABLE IF NOT EXISTS loads (
     run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
     name TEXT NOT NULL, p50_ms DOUBLE PRECISION, p90_ms DOUBLE PRECISION, p99_ms DOUBLE PRECISION,
     max_ms DOUBLE PRECISION, rps DOUBLE PRECISION, errors DOUBLE PRECISION, success_rate DOUBLE PRECISION,
     validity TEXT NOT NULL)`,
  PROBE_NUMBERS_DDL,
  `CREATE TABLE IF NOT EXISTS faults (
     run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
     name TEXT NOT NULL, status TEXT NOT NULL, recovery_ms DOUBLE PRECISION)`,
];

/**
 * What brings a history written by an older version up to this one, by the version each step makes. A new
 * history gets DDL as it is now; one at version N gets the steps after N, in one transaction.
 */
export const MIGRATIONS: Record<number, string[]> = {
  2: ['ALTER TABLE criteria ADD COLUMN bound DOUBLE PRECISION'],
  // Reports are kept gzipped from 3 on (report-codec.ts); older rows stay plain JSON and read as such. No
  // statement: the version alone keeps an older validate from reading reports it cannot unpack.
  3: [],
  // Runs kept before 4 have no probe numbers: their probe series start with the first run after.
  4: [PROBE_NUMBERS_DDL],
};

/** The statements that bring a history at `found` to SCHEMA_VERSION (none for a new one: DDL made it current). */
export function migrationsFrom(found: number): string[] {
  if (found === 0) return [];
  return Object.entries(MIGRATIONS)
    .filter(([v]) => Number(v) > found && Number(v) <= SCHEMA_VERSION)
    .sort(([a], [b]) => Number(a) - Number(b))
    .flatMap(([, steps]) => steps);
}

/** Each child table, its columns after run_id, and how a HistoryRun fills them. */
export const CHILD_TABLES = {
  criteria: ['name', 'expression', 'actual', 'bound', 'outcome', 'status', 'unit'],
  probes: ['name', 'kind', 'status', 'latency_ms'],
  loads: ['name', 'p50_ms', 'p90_ms', 'p99_ms', 'max_ms', 'rps', 'errors', 'success_rate', 'validity'],
  faults: ['name', 'status', 'recovery_ms'],
  probe_numbers: ['series', 'value'],
} as const;
