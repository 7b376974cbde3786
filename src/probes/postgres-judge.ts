import type { Measurement, Unit } from '../results/measurement.js';
import type { ProbeOutcome } from './types.js';

/**
 * One round trip for everything after SELECT 1. Connections as pg_stat_activity counts them, the client
 * backends among them (what takes a max_connections slot), and the slots ordinary roles may use (some
 * are reserved for superusers). On a replica: its WAL receiver (none means it streams from nothing) and
 * how far replay trails what was received.
 */
export const STATE_SQL = `
SELECT current_setting('server_version') AS version,
       pg_postmaster_start_time()::text AS started,
       pg_is_in_recovery() AS in_recovery,
       current_setting('max_connections')::int AS max_connections,
       current_setting('superuser_reserved_connections')::int
         + coalesce(nullif(current_setting('reserved_connections', true), ''), '0')::int AS reserved_connections,
       (SELECT count(*) FROM pg_stat_activity)::int AS connections,
       (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS client_connections,
       (SELECT coalesce(max(extract(epoch FROM now() - xact_start)), 0) FROM pg_stat_activity
         WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid() AND backend_type = 'client backend')::float8 AS longest_xact_s,
       (SELECT count(*) FROM pg_stat_replication)::int AS replicas,
       (SELECT status FROM pg_stat_wal_receiver LIMIT 1) AS wal_receiver,
       (SELECT sender_host || ':' || sender_port FROM pg_stat_wal_receiver LIMIT 1) AS wal_sender,
       CASE WHEN pg_is_in_recovery() THEN pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) END::float8 AS replay_lag_bytes,
       CASE WHEN pg_is_in_recovery() THEN
         CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
              ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END
       END::float8 AS replay_lag_s,
       current_setting('archive_mode') AS archive_mode,
       a.failed_count::int AS archive_failed_count,
       extract(epoch FROM now() - a.last_archived_time)::float8 AS last_archive_age_s,
       coalesce(a.last_failed_time > coalesce(a.last_archived_time, '-infinity'), false) AS archive_failing,
       a.last_failed_wal,
       (SELECT string_agg(slot_name, ',' ORDER BY slot_name) FROM pg_replication_slots WHERE NOT active) AS inactive_slots,
       CASE WHEN NOT pg_is_in_recovery() THEN
         (SELECT coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)), 0) FROM pg_replication_slots WHERE NOT active)
       END::float8 AS slot_retained_bytes
FROM pg_stat_archiver a`;

export interface StateRow {
  version: string;
  /** When the server started: a change between checks is a restart. */
  started: string;
  in_recovery: boolean;
  max_connections: number;
  reserved_connections: number;
  connections: number;
  client_connections: number;
  longest_xact_s: number;
  replicas: number;
  wal_receiver: string | null;
  wal_sender: string | null;
  replay_lag_bytes: number | null;
  replay_lag_s: number | null;
  archive_mode: string;
  archive_failed_count: number;
  last_archive_age_s: number | null;
  archive_failing: boolean;
  last_failed_wal: string | null;
  /** Names, comma-separated: slots no consumer reads, which hold WAL on the primary until one does. */
  inactive_slots: string | null;
  slot_retained_bytes: number | null;
}

export function judgePostgres(row: StateRow, o: { connectMs: number; queryMs: number; longTransactionWarnMs: number }): ProbeOutcome {
  const m: Measurement[] = [];
  const put = (metric: string, value: number | null | undefined, unit: Unit) => {
    if (value !== null && value !== undefined && Number.isFinite(value)) m.push({ metric, value, unit });
  };
  const usable = Math.max(1, row.max_connections - row.reserved_connections);
  const usedPct = (row.client_connections / usable) * 100;
  put('query_ms', o.queryMs, 'ms');
  put('connect_ms', o.connectMs, 'ms');
  put('connections', row.connections, 'count');
  put('client_connections', row.client_connections, 'count');
  put('max_connections', row.max_connections, 'count');
  put('connections_used_pct', usedPct, 'percent');
  put('in_recovery', row.in_recovery ? 1 : 0, 'count');
  put('longest_transaction_s', row.longest_xact_s, 'seconds');
  put('replicas', row.replicas, 'count');

  const warnings: string[] = [];
  const unmeasured: Record<string, string> = {};
  // Values the platform's own state leaves without a number (no archive, no streaming): NOT MET, not unknown.
  const broken: Record<string, string> = {};
  judgeArchiving(row, put, warnings, broken);
  if (row.in_recovery) {
    if (!row.wal_receiver) {
      // Replay stops with nothing to replay, so receive = replay and the lag would read 0: it is unknown.
      broken.replication_lag_s = broken.replication_lag_bytes = 'the replica has no WAL receiver: it is not streaming from a primary';
      warnings.push('replica with no WAL receiver: it is not streaming from a primary (primary gone, or primary_conninfo wrong)');
    } else {
      put('replication_lag_s', row.replay_lag_s, 'seconds');
      put('replication_lag_bytes', row.replay_lag_bytes, 'bytes');
      if (row.wal_receiver !== 'streaming') warnings.push(`the WAL receiver is ${row.wal_receiver}, not streaming`);
    }
  }
  if (usedPct >= 90)
    warnings.push(
      `connections at ${usedPct.toFixed(0)}% of the ${usable} slots non-superusers may use (${row.client_connections} client connections)`,
    );
  if (row.longest_xact_s * 1000 > o.longTransactionWarnMs)
    warnings.push(`a transaction has been open for ${row.longest_xact_s.toFixed(0)} s`);
  return {
    status: warnings.length ? 'warn' : 'pass',
    latencyMs: o.queryMs,
    warnings,
    details: {
      version: row.version,
      identity: row.started,
      role: row.in_recovery ? 'replica (in recovery)' : 'primary',
      ...(row.wal_sender && { streaming_from: row.wal_sender }),
    },
    measurements: m,
    unmeasured,
    broken,
  };
}

/**
 * Backups by WAL archiving (what point-in-time recovery needs): whether it is on, failing (the last
 * failure is newer than the last success, as pg_stat_archiver tells), how old the newest archived segment
 * is, and replication slots nobody reads, which keep WAL on the primary's disk until it fills.
 */
function judgeArchiving(
  row: StateRow,
  put: (metric: string, value: number | null | undefined, unit: Unit) => void,
  warnings: string[],
  broken: Record<string, string>,
): void {
  const on = row.archive_mode === 'on' || row.archive_mode === 'always';
  put('wal_archiving', on ? 1 : 0, 'count');
  put('archive_failed_count', row.archive_failed_count, 'count');
  put('archive_failing', row.archive_failing ? 1 : 0, 'count');
  if (row.last_archive_age_s !== null) put('last_archive_age_s', row.last_archive_age_s, 'seconds');
  else broken.last_archive_age_s = on ? 'no WAL segment has been archived yet' : 'WAL archiving is off (archive_mode)';
  const slots = row.inactive_slots ? row.inactive_slots.split(',') : [];
  put('inactive_slots', slots.length, 'count');
  if (row.slot_retained_bytes !== null) put('slot_retained_wal_bytes', row.slot_retained_bytes, 'bytes');
  if (row.archive_failing)
    warnings.push(
      `WAL archiving is failing: ${row.archive_failed_count} failed, the last on segment ${row.last_failed_wal}` +
        (row.last_archive_age_s === null ? '; none archived yet' : `; the newest archived is ${Math.round(row.last_archive_age_s)} s old`),
    );
  if (slots.length)
    warnings.push(
      `replication slot${slots.length > 1 ? 's' : ''} ${slots.slice(0, 3).join(', ')} not in use: WAL is kept for ${slots.length > 1 ? 'them' : 'it'}` +
        (row.slot_retained_bytes ? ` (${Math.round(row.slot_retained_bytes / 1048576)} MiB)` : ''),
    );
}
