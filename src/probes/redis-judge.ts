import type { Measurement, MetricSpec } from '../results/measurement.js';
import type { ProbeOutcome } from './types.js';
import { cpuSeconds, num } from '../protocols/redis-info.js';
import type { ReplicaLag } from './redis-replication.js';
import { HIGHEST_CPU, HIGHEST_MEMORY } from './shared-evidence.js';

export const REDIS_METRICS: Record<string, MetricSpec> = {
  ping_ms: { unit: 'ms', aggregate: 'max', label: 'ping avg', headline: true },
  ping_min_ms: { unit: 'ms', aggregate: 'min', label: 'ping min' },
  ping_max_ms: { unit: 'ms', aggregate: 'max', label: 'ping max' },
  connected_clients: { unit: 'count', aggregate: 'sum', label: 'clients', headline: true, column: 'clients' },
  maxclients: { unit: 'count', aggregate: 'min', label: 'max clients' },
  clients_used_pct: { unit: 'percent', aggregate: 'max', label: 'clients used' },
  rejected_connections: { unit: 'count', aggregate: 'sum', label: 'rejected connections' },
  used_memory_bytes: { unit: 'bytes', aggregate: 'max', label: 'memory', headline: true, column: 'memory' },
  maxmemory_bytes: { unit: 'bytes', aggregate: 'min', label: 'maxmemory' },
  // Of maxmemory when set, else of the machine's memory.
  memory_used_pct: {
    unit: 'percent',
    aggregate: 'max',
    label: 'memory used',
    headline: true,
    sustained: true,
    evidence: HIGHEST_MEMORY,
  },
  loading: { unit: 'count', aggregate: 'sum', label: 'loading' },
  rdb_last_save_ok: { unit: 'count', aggregate: 'min', label: 'last RDB save ok', flag: true },
  aof_last_write_ok: { unit: 'count', aggregate: 'min', label: 'last AOF write ok' },
  connected_replicas: { unit: 'count', aggregate: 'sum', label: 'replicas' },
  master_link_up: { unit: 'count', aggregate: 'min', label: 'replication link up' },
  // A replica only: how long it took to have what the primary had when probed (0 when it already had it).
  replication_lag_s: { unit: 'seconds', aggregate: 'max', label: 'replication lag' },
  replication_lag_bytes: { unit: 'bytes', aggregate: 'max', label: 'replication lag (bytes)' },
  cpu_pct: {
    unit: 'percent',
    aggregate: 'max',
    label: 'CPU',
    headline: true,
    column: 'cpu',
    sustained: true,
    evidence: HIGHEST_CPU,
  },
  ops_per_sec: { unit: 'per_second', aggregate: 'sum', label: 'ops/s' },
  uptime_seconds: { unit: 'seconds', aggregate: 'min', label: 'uptime' },
};

export interface RedisReading {
  before: Map<string, string>;
  info: Map<string, string>;
  pings: number[];
  elapsedS: number;
  lag?: ReplicaLag;
}

type Put = (metric: string, value: number | undefined) => void;

/** Judges what INFO (taken twice, around the PINGs) says: memory, clients, persistence, replication, CPU. */
export function judgeRedis(reading: RedisReading): ProbeOutcome {
  const { info, pings } = reading;
  const m: Measurement[] = [];
  const put: Put = (metric, value) => {
    if (value !== undefined && Number.isFinite(value)) m.push({ metric, value, unit: REDIS_METRICS[metric].unit });
  };
  const mean = pings.reduce((a, b) => a + b, 0) / pings.length;
  put('ping_ms', mean);
  put('ping_min_ms', Math.min(...pings));
  put('ping_max_ms', Math.max(...pings));
  putClients(info, put);
  const maxmemory = putMemory(info, put);
  const persistence = putPersistence(info, put);
  const replication = putReplication(reading, put);
  putActivity(reading, put);

  const warnings: string[] = [];
  if (!persistence.rdbOk) warnings.push('last RDB background save failed');
  if (!persistence.aofOk) warnings.push('last AOF write or rewrite failed');
  const lagUnknown = replication.unmeasured.replication_lag_s ?? replication.broken.replication_lag_s;
  if (lagUnknown) warnings.push(`replica: ${lagUnknown}`);
  const memPct = m.find((x) => x.metric === 'memory_used_pct')?.value;
  if (maxmemory && memPct !== undefined && memPct >= 90) warnings.push(`memory at ${memPct.toFixed(0)}% of maxmemory`);

  const details = detailsOf(info);
  if (persistence.loading)
    return { status: 'fail', latencyMs: mean, error: 'Redis is loading its dataset and not serving yet', details, measurements: m };
  const { unmeasured, broken } = replication;
  return { status: warnings.length ? 'warn' : 'pass', latencyMs: mean, warnings, details, measurements: m, unmeasured, broken };
}

function putClients(info: Map<string, string>, put: Put): void {
  const clients = num(info, 'connected_clients');
  const maxclients = num(info, 'maxclients');
  put('connected_clients', clients);
  put('maxclients', maxclients);
  if (clients !== undefined && maxclients) put('clients_used_pct', (clients / maxclients) * 100);
  put('rejected_connections', num(info, 'rejected_connections'));
}

/** Memory used against maxmemory, or against the machine's memory when Redis has no limit; the limit it set. */
function putMemory(info: Map<string, string>, put: Put): number | undefined {
  const used = num(info, 'used_memory');
  const maxmemory = num(info, 'maxmemory') || undefined;
  const limit = maxmemory ?? (num(info, 'total_system_memory') || undefined);
  put('used_memory_bytes', used);
  put('maxmemory_bytes', maxmemory);
  if (used !== undefined && limit) put('memory_used_pct', (used / limit) * 100);
  return maxmemory;
}

function putPersistence(info: Map<string, string>, put: Put): { loading: number; rdbOk: boolean; aofOk: boolean } {
  const loading = num(info, 'loading') ?? 0;
  put('loading', loading);
  const rdbOk = info.get('rdb_last_bgsave_status') !== 'err';
  const aofOk = info.get('aof_last_write_status') !== 'err' && info.get('aof_last_bgrewrite_status') !== 'err';
  put('rdb_last_save_ok', rdbOk ? 1 : 0);
  put('aof_last_write_ok', aofOk ? 1 : 0);
  return { loading, rdbOk, aofOk };
}

/**
 * A replica's link and lag. A lag that could not be measured is `unmeasured` (the tool could not tell) or,
 * when the replica's own link is why, `broken` (the platform's failure): each names why, by metric.
 */
function putReplication({ info, lag }: RedisReading, put: Put): { unmeasured: Record<string, string>; broken: Record<string, string> } {
  const unmeasured: Record<string, string> = {};
  const broken: Record<string, string> = {};
  put('connected_replicas', num(info, 'connected_slaves'));
  if (info.get('role') !== 'slave') return { unmeasured, broken };
  put('master_link_up', info.get('master_link_status') === 'up' ? 1 : 0);
  if (lag && 'unknown' in lag) {
    const into = lag.broken ? broken : unmeasured;
    into.replication_lag_s = into.replication_lag_bytes = lag.unknown;
  } else if (lag) {
    put('replication_lag_s', lag.seconds);
    put('replication_lag_bytes', lag.bytes);
  }
  return { unmeasured, broken };
}

/** CPU over the probe (the two INFOs' CPU seconds apart), operations and uptime. */
function putActivity({ before, info, elapsedS }: RedisReading, put: Put): void {
  const cpu0 = cpuSeconds(before);
  const cpu1 = cpuSeconds(info);
  if (cpu0 !== undefined && cpu1 !== undefined && elapsedS > 0) put('cpu_pct', Math.max(0, ((cpu1 - cpu0) / elapsedS) * 100));
  put('ops_per_sec', num(info, 'instantaneous_ops_per_sec'));
  put('uptime_seconds', num(info, 'uptime_in_seconds'));
}

function detailsOf(info: Map<string, string>): Record<string, string | null> {
  const role = info.get('role') ?? 'unknown';
  const replica = role === 'slave';
  return {
    version: info.get('redis_version') ?? null,
    role: replica ? 'replica' : role,
    master: replica ? `${info.get('master_host')}:${info.get('master_port')}` : null,
    // A new run_id on every start: the monitor counts a change between its checks as a restart.
    identity: info.get('run_id') ?? null,
  };
}
