import { z } from 'zod';
import { duration, targetBase } from '../config/fields.js';
import type { Measurement, MetricSpec } from '../results/measurement.js';
import { classifyError, endpointOf } from './classify-error.js';
import { cpuSeconds, num, parseInfo } from './redis-info.js';
import type { ProbeContext, ProbeKind, ProbeOutcome } from './types.js';

const schema = z.strictObject({
  kind: z.literal('redis'),
  ...targetBase(['redis', 'rediss']),
  samples: z.number().int().min(1).max(100).default(5).meta({ description: 'PING round trips to sample' }),
  window: duration.default(300).meta({ description: 'Time the samples are spread over; CPU % is measured across it' }),
  tlsVerify: z.boolean().default(true),
});
export type RedisTarget = z.output<typeof schema>;

const metrics: Record<string, MetricSpec> = {
  ping_ms: { unit: 'ms', aggregate: 'max', label: 'ping avg', headline: true },
  ping_min_ms: { unit: 'ms', aggregate: 'min', label: 'ping min' },
  ping_max_ms: { unit: 'ms', aggregate: 'max', label: 'ping max' },
  connected_clients: { unit: 'count', aggregate: 'sum', label: 'clients', headline: true },
  maxclients: { unit: 'count', aggregate: 'min', label: 'max clients' },
  clients_used_pct: { unit: 'percent', aggregate: 'max', label: 'clients used' },
  rejected_connections: { unit: 'count', aggregate: 'sum', label: 'rejected connections' },
  used_memory_bytes: { unit: 'bytes', aggregate: 'max', label: 'memory', headline: true },
  maxmemory_bytes: { unit: 'bytes', aggregate: 'min', label: 'maxmemory' },
  // Of maxmemory when set, else of the machine's memory.
  memory_used_pct: { unit: 'percent', aggregate: 'max', label: 'memory used', headline: true },
  loading: { unit: 'count', aggregate: 'sum', label: 'loading' },
  rdb_last_save_ok: { unit: 'count', aggregate: 'min', label: 'last RDB save ok' },
  aof_last_write_ok: { unit: 'count', aggregate: 'min', label: 'last AOF write ok' },
  connected_replicas: { unit: 'count', aggregate: 'sum', label: 'replicas' },
  master_link_up: { unit: 'count', aggregate: 'min', label: 'replication link up' },
  replication_lag_s: { unit: 'seconds', aggregate: 'max', label: 'replication lag' },
  cpu_pct: { unit: 'percent', aggregate: 'max', label: 'CPU', headline: true },
  ops_per_sec: { unit: 'per_second', aggregate: 'sum', label: 'ops/s' },
  uptime_seconds: { unit: 'seconds', aggregate: 'min', label: 'uptime' },
};

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });

async function run(target: RedisTarget, ctx: ProbeContext): Promise<ProbeOutcome> {
  const { Redis } = await import('ioredis');
  const at = endpointOf(target.url, 6379);
  const client = new Redis(target.url, {
    lazyConnect: true,
    connectTimeout: ctx.timeoutMs,
    commandTimeout: ctx.timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableReadyCheck: false,
    connectionName: 'validate-probe',
    tls: target.url.startsWith('rediss:') ? { rejectUnauthorized: target.tlsVerify } : undefined,
  });
  // ioredis reports the real cause (WRONGPASS, a protocol error) only as an event, and the awaited
  // call then fails with a bare "Connection is closed."; keep the event's error to explain the failure.
  let lastError: unknown;
  client.on('error', (err) => { lastError = err; });
  client.on('connect', () => ctx.stage('waiting for the handshake (AUTH, CLIENT SETNAME) to be answered'));
  ctx.signal.addEventListener('abort', () => client.disconnect(), { once: true });
  try {
    ctx.stage('connecting');
    await client.connect();
    ctx.stage('waiting for INFO');
    const before = parseInfo(await client.info());
    const t0 = performance.now();
    const pings: number[] = [];
    const gap = target.samples > 1 ? target.window / (target.samples - 1) : 0;
    for (let i = 0; i < target.samples && !ctx.signal.aborted; i++) {
      if (i > 0) await sleep(gap, ctx.signal);
      ctx.stage(`waiting for PING ${i + 1} of ${target.samples}`);
      const s = performance.now();
      await client.ping();
      pings.push(performance.now() - s);
    }
    ctx.stage('waiting for the second INFO');
    const after = parseInfo(await client.info());
    const elapsedS = (performance.now() - t0) / 1000;
    return judge(before, after, pings, elapsedS);
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const cause = lastError && /Connection is closed/i.test((err as Error).message) ? lastError : err;
    return { status: 'fail', latencyMs: null, error: classifyError(cause, at), details: {}, measurements: [] };
  } finally {
    client.disconnect();
  }
}

function judge(before: Map<string, string>, info: Map<string, string>, pings: number[], elapsedS: number): ProbeOutcome {
  const m: Measurement[] = [];
  const put = (metric: string, value: number | undefined) => {
    if (value !== undefined && Number.isFinite(value)) m.push({ metric, value, unit: metrics[metric].unit });
  };
  const mean = pings.reduce((a, b) => a + b, 0) / pings.length;
  put('ping_ms', mean);
  put('ping_min_ms', Math.min(...pings));
  put('ping_max_ms', Math.max(...pings));

  const clients = num(info, 'connected_clients');
  const maxclients = num(info, 'maxclients');
  put('connected_clients', clients);
  put('maxclients', maxclients);
  if (clients !== undefined && maxclients) put('clients_used_pct', (clients / maxclients) * 100);
  put('rejected_connections', num(info, 'rejected_connections'));

  const used = num(info, 'used_memory');
  const maxmemory = num(info, 'maxmemory') || undefined;
  const system = num(info, 'total_system_memory') || undefined;
  const limit = maxmemory ?? system;
  put('used_memory_bytes', used);
  put('maxmemory_bytes', maxmemory);
  if (used !== undefined && limit) put('memory_used_pct', (used / limit) * 100);

  const loading = num(info, 'loading') ?? 0;
  put('loading', loading);
  const rdbOk = info.get('rdb_last_bgsave_status') !== 'err';
  const aofOk = info.get('aof_last_write_status') !== 'err' && info.get('aof_last_bgrewrite_status') !== 'err';
  put('rdb_last_save_ok', rdbOk ? 1 : 0);
  put('aof_last_write_ok', aofOk ? 1 : 0);

  const role = info.get('role') ?? 'unknown';
  put('connected_replicas', num(info, 'connected_slaves'));
  const linkUp = info.get('master_link_status') === 'up';
  if (role === 'slave') {
    put('master_link_up', linkUp ? 1 : 0);
    put('replication_lag_s', linkUp ? num(info, 'master_last_io_seconds_ago') : num(info, 'master_link_down_since_seconds'));
  }

  const cpu0 = cpuSeconds(before);
  const cpu1 = cpuSeconds(info);
  if (cpu0 !== undefined && cpu1 !== undefined && elapsedS > 0) put('cpu_pct', Math.max(0, ((cpu1 - cpu0) / elapsedS) * 100));
  put('ops_per_sec', num(info, 'instantaneous_ops_per_sec'));
  put('uptime_seconds', num(info, 'uptime_in_seconds'));

  const warnings: string[] = [];
  if (!rdbOk) warnings.push('last RDB background save failed');
  if (!aofOk) warnings.push('last AOF write or rewrite failed');
  if (role === 'slave' && !linkUp) warnings.push(`replication link to ${info.get('master_host')}:${info.get('master_port')} is down`);
  const memPct = m.find((x) => x.metric === 'memory_used_pct')?.value;
  if (maxmemory && memPct !== undefined && memPct >= 90) warnings.push(`memory at ${memPct.toFixed(0)}% of maxmemory`);

  const details = {
    version: info.get('redis_version') ?? null,
    role: role === 'slave' ? 'replica' : role,
    master: role === 'slave' ? `${info.get('master_host')}:${info.get('master_port')}` : null,
  };
  if (loading) {
    return { status: 'fail', latencyMs: mean, error: 'Redis is loading its dataset and not serving yet', details, measurements: m };
  }
  return { status: warnings.length ? 'warn' : 'pass', latencyMs: mean, warnings, details, measurements: m };
}

export const redisProbe: ProbeKind<RedisTarget> = {
  kind: 'redis',
  aliases: [],
  schemes: ['redis', 'rediss'],
  summary: 'Redis: PING samples, memory, clients, persistence, replication, CPU over the window',
  schema,
  metrics,
  run,
};
