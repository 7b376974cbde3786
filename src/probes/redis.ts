import type { Redis } from 'ioredis';
import { z } from 'zod';
import { duration, targetBase } from '../fields/fields.js';
import { endpointOf } from '../protocols/network-errors.js';
import { connectRedis, explainRedis, serverGreeting } from '../protocols/redis.js';
import { parseInfo } from '../protocols/redis-info.js';
import { judgeRedis, REDIS_METRICS } from './redis-judge.js';
import { REDIS_ACCESS_METRICS, requiresPassword } from './redis-access.js';
import { readPersistence, REDIS_PERSISTENCE_METRICS } from './redis-persistence.js';
import { replicaLag } from './redis-replication.js';
import { REDIS_BUS_METRICS, busSchema, probeBus, type BusReading } from './redis-bus.js';
import { defineProbe, type ProbeContext, type ProbeOutcome } from './types.js';
import { sleep } from '../util/sleep.js';
import { CERTIFICATE_METRICS, certificateField, readTlsPosture } from './tls-posture.js';

const schema = z.strictObject({
  kind: z.literal('redis'),
  ...targetBase(['redis', 'rediss']),
  samples: z.number().int().min(1).max(100).default(5).meta({ description: 'PING round trips to sample' }),
  window: duration
    .default(300)
    .meta({ description: 'Time the samples are spread over; CPU % is measured across it. Must be shorter than the timeout' }),
  tlsVerify: z.boolean().default(true),
  certificate: certificateField,
  bus: busSchema.optional(),
});
export type RedisTarget = z.output<typeof schema>;

async function run(target: RedisTarget, ctx: ProbeContext): Promise<ProbeOutcome> {
  const at = endpointOf(target.url, 6379);
  let client: (Redis & { lastError?: unknown }) | undefined;
  const connecting = connectRedis(target.url, {
    timeoutMs: ctx.timeoutMs,
    tlsVerify: target.tlsVerify,
    name: 'validate-probe',
    stage: ctx.stage,
  });
  ctx.signal.addEventListener(
    'abort',
    () =>
      void connecting.then(
        (c) => c.disconnect(),
        () => undefined,
      ),
    { once: true },
  );
  try {
    ctx.stage('connecting');
    client = await connecting;
    if (ctx.liveness) {
      ctx.stage('waiting for PING');
      const s = performance.now();
      await client.ping();
      const ms = performance.now() - s;
      return { status: 'pass', latencyMs: ms, details: {}, measurements: [{ metric: 'ping_ms', value: ms, unit: 'ms' }] };
    }
    ctx.stage('waiting for INFO');
    const before = parseInfo(await client.info());
    const t0 = performance.now();
    const pings = await samplePings(client, target, ctx);
    ctx.stage('waiting for the second INFO');
    const info = parseInfo(await client.info());
    const elapsedS = (performance.now() - t0) / 1000;
    let lag;
    if (info.get('role') === 'slave') {
      ctx.stage('comparing replication offsets with the primary');
      const budgetMs = Math.max(50, ctx.timeoutMs - (performance.now() - t0) - 100);
      lag = await replicaLag(client, info, {
        url: target.url,
        budgetMs,
        signal: ctx.signal,
        connect: (url) => connectRedis(url, { timeoutMs: Math.min(1000, budgetMs), tlsVerify: target.tlsVerify, name: 'validate-probe' }),
      });
    }
    const judged = judgeRedis({ before, info, pings, elapsedS, lag });
    // Who it lets in, its certificate and its save schedule: asked once, not again in every round under load.
    if (!ctx.repeat)
      await readPosture(client, target, info, judged, ctx, Math.max(100, Math.min(1000, ctx.timeoutMs - (performance.now() - t0))));
    if (!target.bus) return judged;
    const budgetMs = Math.max(100, ctx.timeoutMs - (performance.now() - t0) - 50);
    const connect = () => connectRedis(target.url, { timeoutMs: budgetMs, tlsVerify: target.tlsVerify, name: 'validate-probe' });
    return withBus(judged, await probeBus(client, connect, target.bus, budgetMs, ctx.stage));
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return { status: 'fail', latencyMs: null, error: explainRedis(await causeOf(err, client, at), at), details: {}, measurements: [] };
  } finally {
    client?.disconnect();
  }
}

/** PINGs spread over the target's window: the round trip, sampled rather than timed once. */
async function samplePings(client: Redis, target: RedisTarget, ctx: ProbeContext): Promise<number[]> {
  const pings: number[] = [];
  const gap = target.samples > 1 ? target.window / (target.samples - 1) : 0;
  for (let i = 0; i < target.samples && !ctx.signal.aborted; i++) {
    if (i > 0) await sleep(gap, ctx.signal);
    ctx.stage(`waiting for PING ${i + 1} of ${target.samples}`);
    const s = performance.now();
    await client.ping();
    pings.push(performance.now() - s);
  }
  return pings;
}

/**
 * What went wrong, as near the server's own words as can be had: the client's last error behind its
 * "Connection is closed", and for a handshake cut short (EPIPE, reset, closed) the reason the server put
 * in its first bytes, which the client lost.
 */
async function causeOf(
  err: unknown,
  client: (Redis & { lastError?: unknown }) | undefined,
  at: ReturnType<typeof endpointOf>,
): Promise<unknown> {
  let cause = client?.lastError && /Connection is closed/i.test((err as Error).message) ? client.lastError : err;
  if (/EPIPE|ECONNRESET|Connection is closed/i.test(`${(cause as Error)?.message} ${(cause as { code?: string })?.code}`)) {
    const said = await serverGreeting(String(at.host), Number(at.port));
    if (said?.startsWith('-')) cause = new Error(said.slice(1));
  }
  return cause;
}

/** What the first probe of a Redis establishes once: persistence, who it lets in, its TLS. */
async function readPosture(
  client: Redis,
  target: RedisTarget,
  info: Map<string, string>,
  judged: ProbeOutcome,
  ctx: ProbeContext,
  budgetMs: number,
): Promise<void> {
  ctx.stage('reading the save schedule');
  const kept = await readPersistence(client, info);
  judged.measurements.push(...kept.measurements);
  Object.assign(judged.details, kept.details);
  judged.unmeasured = { ...judged.unmeasured, ...kept.unmeasured };
  ctx.stage('connecting without credentials');
  const access = await requiresPassword(target.url, { timeoutMs: budgetMs, tlsVerify: target.tlsVerify });
  if (access !== undefined) judged.measurements.push({ metric: 'auth_required', value: access, unit: 'count' });
  if (access === 0 && new URL(target.url).password) {
    judged.warnings = [...(judged.warnings ?? []), 'the password in the URL is not needed: this Redis lets in clients without one'];
    if (judged.status === 'pass') judged.status = 'warn';
  }
  if (target.url.startsWith('rediss:')) {
    ctx.stage('reading the TLS certificate');
    await readTlsPosture(target.url, 'direct', { defaultPort: 6379, bounds: target.certificate, budgetMs }, judged);
  } else judged.measurements.push({ metric: 'tls_enabled', value: 0, unit: 'count' });
}

/** The server's judgement with the bus's added: its numbers, and its warnings (a bus that drops messages works, but not as a bus). */
function withBus(o: ProbeOutcome, b: BusReading): ProbeOutcome {
  const warnings = [...(o.warnings ?? []), ...b.warnings];
  return {
    ...o,
    status: o.status === 'pass' && b.warnings.length ? 'warn' : o.status,
    warnings,
    measurements: [...o.measurements, ...b.measurements],
    labelValues: { ...o.labelValues, ...b.labelValues },
    unmeasured: { ...o.unmeasured, ...b.unmeasured },
    broken: { ...o.broken, ...b.broken },
  };
}

export const redisProbe = defineProbe<RedisTarget>({
  kind: 'redis',
  aliases: [],
  schemes: ['redis', 'rediss'],
  ports: { redis: 6379, rediss: 6379 },
  summary:
    'Redis: PING samples, memory, clients, persistence, replication lag from offsets, CPU over the window; as a bus: pub/sub round trip, subscribers, stream consumer groups',
  schema,
  metrics: { ...REDIS_METRICS, ...REDIS_PERSISTENCE_METRICS, ...REDIS_ACCESS_METRICS, ...CERTIFICATE_METRICS, ...REDIS_BUS_METRICS },
  // As redis_exporter exports them, scraped under a job named like the target.
  promql: (_t, metric) =>
    ({
      available: '100 * redis_up{job="$target"}',
      // As the probe reads it: of maxmemory when set, else of the machine's memory (never +Inf when maxmemory is 0).
      memory_used_pct:
        '100 * redis_memory_used_bytes{job="$target"} / (redis_memory_max_bytes{job="$target"} > 0 or redis_total_system_memory_bytes{job="$target"})',
      cpu_pct: '100 * (rate(redis_cpu_sys_seconds_total{job="$target"}[1m]) + rate(redis_cpu_user_seconds_total{job="$target"}[1m]))',
      connected_clients: 'redis_connected_clients{job="$target"}',
      rdb_last_save_age_s: 'time() - redis_rdb_last_save_timestamp_seconds{job="$target"}',
      aof_enabled: 'redis_aof_enabled{job="$target"}',
    })[metric],
  check(t, { timeoutMs }) {
    if (t.samples > 1 && t.window >= timeoutMs) {
      return [
        {
          path: ['window'],
          message: `window ${t.window} ms is not shorter than the timeout (${timeoutMs} ms): the probe could never finish; shorten the window or raise the timeout`,
        },
      ];
    }
    return [];
  },
  run,
});
