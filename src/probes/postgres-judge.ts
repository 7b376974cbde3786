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
       END::float8 AS replay_lag_s`;

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
  if (row.in_recovery) {
    if (!row.wal_receiver) {
      // Replay stops with nothing to replay, so receive = replay and the lag would read 0: it is unknown.
      unmeasured.replication_lag_s = unmeasured.replication_lag_bytes =
        'the replica has no WAL receiver: it is not streaming from a primary';
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
  };
}
