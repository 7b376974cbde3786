import { z } from 'zod';
import { duration, targetBase } from '../config/fields.js';
import type { Measurement, MetricSpec } from '../results/measurement.js';
import { classifyError, endpointOf } from './classify-error.js';
import type { ProbeContext, ProbeKind, ProbeOutcome } from './types.js';

const schema = z.strictObject({
  kind: z.literal('postgres'),
  ...targetBase(['postgres', 'postgresql']),
  longTransactionWarn: duration.default(300_000).meta({ description: 'A transaction open longer than this makes the probe warn' }),
});
export type PostgresTarget = z.output<typeof schema>;

const metrics: Record<string, MetricSpec> = {
  query_ms: { unit: 'ms', aggregate: 'max', label: 'SELECT 1', headline: true },
  connect_ms: { unit: 'ms', aggregate: 'max', label: 'connect' },
  connections: { unit: 'count', aggregate: 'sum', label: 'connections', headline: true },
  max_connections: { unit: 'count', aggregate: 'min', label: 'max connections' },
  connections_used_pct: { unit: 'percent', aggregate: 'max', label: 'connections used', headline: true },
  in_recovery: { unit: 'count', aggregate: 'sum', label: 'in recovery' },
  longest_transaction_s: { unit: 'seconds', aggregate: 'max', label: 'longest transaction' },
  replicas: { unit: 'count', aggregate: 'sum', label: 'replicas' },
  replication_lag_s: { unit: 'seconds', aggregate: 'max', label: 'replication lag' },
};

// One round trip for everything after SELECT 1; backend_type keeps background workers out of the counts.
const STATE_SQL = `
SELECT current_setting('server_version') AS version,
       pg_is_in_recovery() AS in_recovery,
       current_setting('max_connections')::int AS max_connections,
       (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS connections,
       (SELECT coalesce(max(extract(epoch FROM now() - xact_start)), 0) FROM pg_stat_activity
         WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid() AND backend_type = 'client backend')::float8 AS longest_xact_s,
       (SELECT count(*) FROM pg_stat_replication)::int AS replicas,
       CASE WHEN pg_is_in_recovery() THEN
         CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
              ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) END
       END::float8 AS replication_lag_s`;

async function run(target: PostgresTarget, ctx: ProbeContext): Promise<ProbeOutcome> {
  const { default: pg } = await import('pg');
  const at = endpointOf(target.url, 5432);
  const client = new pg.Client({
    connectionString: target.url,
    connectionTimeoutMillis: ctx.timeoutMs,
    query_timeout: ctx.timeoutMs,
    statement_timeout: ctx.timeoutMs,
    application_name: 'validate-probe',
  });
  client.on('error', () => undefined); // a dropped connection is reported by the awaited query
  // pg has no abort; destroying the socket makes every pending call reject at once.
  const destroy = () => (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  ctx.signal.addEventListener('abort', destroy, { once: true });
  try {
    ctx.stage('connecting');
    const c0 = performance.now();
    const connecting = client.connect();
    const stream = (client as unknown as { connection?: { stream?: NodeJS.EventEmitter } }).connection?.stream;
    stream?.once('connect', () => ctx.stage('waiting for the server to answer the startup message'));
    await connecting;
    const connectMs = performance.now() - c0;
    ctx.stage('waiting for SELECT 1');
    const q0 = performance.now();
    await client.query('SELECT 1');
    const queryMs = performance.now() - q0;
    ctx.stage('reading server state');
    const row = (await client.query(STATE_SQL)).rows[0];
    return judge(target, row, connectMs, queryMs);
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return { status: 'fail', latencyMs: null, error: classifyError(err, at), details: {}, measurements: [] };
  } finally {
    client.end().catch(() => undefined);
  }
}

interface StateRow {
  version: string;
  in_recovery: boolean;
  max_connections: number;
  connections: number;
  longest_xact_s: number;
  replicas: number;
  replication_lag_s: number | null;
}

function judge(target: PostgresTarget, row: StateRow, connectMs: number, queryMs: number): ProbeOutcome {
  const m: Measurement[] = [];
  const put = (metric: string, value: number | null | undefined) => {
    if (value !== null && value !== undefined && Number.isFinite(value)) m.push({ metric, value, unit: metrics[metric].unit });
  };
  const usedPct = (row.connections / row.max_connections) * 100;
  put('query_ms', queryMs);
  put('connect_ms', connectMs);
  put('connections', row.connections);
  put('max_connections', row.max_connections);
  put('connections_used_pct', usedPct);
  put('in_recovery', row.in_recovery ? 1 : 0);
  put('longest_transaction_s', row.longest_xact_s);
  put('replicas', row.replicas);
  put('replication_lag_s', row.replication_lag_s);

  const warnings: string[] = [];
  if (usedPct >= 90) warnings.push(`connections at ${usedPct.toFixed(0)}% of max_connections (${row.connections}/${row.max_connections})`);
  if (row.longest_xact_s * 1000 > target.longTransactionWarn) warnings.push(`a transaction has been open for ${row.longest_xact_s.toFixed(0)} s`);
  return {
    status: warnings.length ? 'warn' : 'pass',
    latencyMs: queryMs,
    warnings,
    details: { version: row.version, role: row.in_recovery ? 'replica (in recovery)' : 'primary' },
    measurements: m,
  };
}

export const postgresProbe: ProbeKind<PostgresTarget> = {
  kind: 'postgres',
  aliases: ['pg', 'postgresql'],
  schemes: ['postgres', 'postgresql'],
  summary: 'PostgreSQL: connect, SELECT 1, version, recovery, connections, long transactions, replication lag',
  schema,
  metrics,
  run,
};
