import { z } from 'zod';
import { duration, targetBase } from '../fields/fields.js';
import type { MetricSpec } from '../results/measurement.js';
import { endpointOf } from '../protocols/network-errors.js';
import { connectPostgres, explainPostgres } from '../protocols/postgres.js';
import { judgePostgres, STATE_SQL, type StateRow } from './postgres-judge.js';
import { POSTGRES_ACCESS_METRICS, readPostgresAccess } from './postgres-access.js';
import { CERTIFICATE_METRICS, certificateField, readTlsPosture } from './tls-posture.js';
import { defineProbe, type ProbeContext, type ProbeOutcome } from './types.js';

const schema = z.strictObject({
  kind: z.literal('postgres'),
  ...targetBase(['postgres', 'postgresql']),
  certificate: certificateField,
  longTransactionWarn: duration.default(300_000).meta({ description: 'A transaction open longer than this makes the probe warn' }),
});
export type PostgresTarget = z.output<typeof schema>;

const metrics: Record<string, MetricSpec> = {
  query_ms: { unit: 'ms', aggregate: 'max', label: 'SELECT 1', headline: true },
  connect_ms: { unit: 'ms', aggregate: 'max', label: 'connect' },
  // Every session pg_stat_activity lists (background processes included), as `SELECT count(*) FROM pg_stat_activity` says.
  connections: { unit: 'count', aggregate: 'sum', label: 'sessions' },
  // Client backends: the sessions that take a max_connections slot.
  client_connections: { unit: 'count', aggregate: 'sum', label: 'client connections', headline: true, column: 'clients' },
  max_connections: { unit: 'count', aggregate: 'min', label: 'max connections' },
  // Client connections of the slots ordinary roles can use: max_connections minus the reserved ones.
  connections_used_pct: { unit: 'percent', aggregate: 'max', label: 'connections used', headline: true },
  in_recovery: { unit: 'count', aggregate: 'sum', label: 'in recovery' },
  longest_transaction_s: { unit: 'seconds', aggregate: 'max', label: 'longest transaction' },
  replicas: { unit: 'count', aggregate: 'sum', label: 'replicas' },
  // A replica only: how far its replay trails what it received, in time and bytes.
  replication_lag_s: { unit: 'seconds', aggregate: 'max', label: 'replication lag' },
  replication_lag_bytes: { unit: 'bytes', aggregate: 'max', label: 'replication lag (bytes)' },
  wal_archiving: {
    unit: 'count',
    aggregate: 'min',
    label: 'WAL archiving on',
    flag: true,
    evidence: { requirement: 'backups', words: 'WAL archiving' },
  },
  // Failures since the statistics were reset; archive_failing says whether the latest attempt failed.
  archive_failed_count: { unit: 'count', aggregate: 'sum', label: 'failed archives' },
  archive_failing: {
    unit: 'count',
    aggregate: 'sum',
    label: 'archiving failing',
    evidence: { requirement: 'backups', words: 'archiving failing', worst: 'max' },
  },
  last_archive_age_s: {
    unit: 'seconds',
    aggregate: 'max',
    label: 'newest archived WAL age',
    evidence: { requirement: 'backups', words: 'newest archived WAL', worst: 'max', unit: 's' },
  },
  inactive_slots: { unit: 'count', aggregate: 'sum', label: 'unused replication slots' },
  slot_retained_wal_bytes: { unit: 'bytes', aggregate: 'max', label: 'WAL held by unused slots' },
  ...POSTGRES_ACCESS_METRICS,
  ...CERTIFICATE_METRICS,
};

async function run(target: PostgresTarget, ctx: ProbeContext): Promise<ProbeOutcome> {
  const at = endpointOf(target.url, 5432);
  let client: Awaited<ReturnType<typeof connectPostgres>> | undefined;
  try {
    const c0 = performance.now();
    client = await connectPostgres(target.url, {
      timeoutMs: ctx.timeoutMs,
      application: 'validate-probe',
      signal: ctx.signal,
      stage: ctx.stage,
    });
    const connectMs = performance.now() - c0;
    ctx.stage('waiting for SELECT 1');
    const q0 = performance.now();
    await client.query('SELECT 1');
    const queryMs = performance.now() - q0;
    if (ctx.liveness)
      return { status: 'pass', latencyMs: queryMs, details: {}, measurements: [{ metric: 'query_ms', value: queryMs, unit: 'ms' }] };
    ctx.stage('reading server state');
    const row = (await client.query(STATE_SQL)).rows[0] as StateRow;
    const outcome = judgePostgres(row, { connectMs, queryMs, longTransactionWarnMs: target.longTransactionWarn });
    if (ctx.repeat) return outcome;
    ctx.stage('reading the TLS certificate');
    const budgetMs = Math.max(100, Math.min(1000, ctx.timeoutMs / 2));
    await readTlsPosture(target.url, 'postgres', { defaultPort: 5432, bounds: target.certificate, budgetMs }, outcome);
    ctx.stage('connecting without a password, and without TLS');
    const tlsOffered = outcome.measurements.some((m) => m.metric === 'tls_enabled' && m.value === 1);
    // A server with no free slot would refuse the test connections, and each attempt costs it a backend.
    const full = (outcome.measurements.find((m) => m.metric === 'connections_used_pct')?.value ?? 0) >= 100;
    if (full) {
      const why = 'every connection slot is in use: a connection to test access would be refused, and cost the server one more';
      outcome.unmeasured = { ...outcome.unmeasured, auth_required: why, tls_required: why };
    } else await readPostgresAccess(target.url, { timeoutMs: budgetMs, tlsOffered }, outcome);
    return outcome;
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return { status: 'fail', latencyMs: null, error: explainPostgres(err, at), details: {}, measurements: [] };
  } finally {
    client?.end().catch(() => undefined);
  }
}

export const postgresProbe = defineProbe<PostgresTarget>({
  kind: 'postgres',
  aliases: ['pg', 'postgresql'],
  schemes: ['postgres', 'postgresql'],
  ports: { postgres: 5432, postgresql: 5432 },
  summary: "PostgreSQL: connect, SELECT 1, version, connections, long transactions, replicas, a replica's WAL receiver and lag",
  schema,
  metrics,
  // As postgres_exporter exports them, scraped under a job named like the target.
  promql: (_t, metric) =>
    ({
      available: '100 * pg_up{job="$target"}',
      connections_used_pct: '100 * sum(pg_stat_activity_count{job="$target"}) / max(pg_settings_max_connections{job="$target"})',
    })[metric],
  run,
});
