import { connect as netConnect } from 'node:net';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { duration, targetBase } from '../config/fields.js';
import { classifyError, endpointOf, type Endpoint } from './classify-error.js';
import { parseInfo } from './redis-info.js';
import { judgeRedis, REDIS_METRICS } from './redis-judge.js';
import { replicaLag } from './redis-replication.js';
import type { ProbeContext, ProbeKind, ProbeOutcome } from './types.js';

const schema = z.strictObject({
  kind: z.literal('redis'),
  ...targetBase(['redis', 'rediss']),
  samples: z.number().int().min(1).max(100).default(5).meta({ description: 'PING round trips to sample' }),
  window: duration.default(300).meta({ description: 'Time the samples are spread over; CPU % is measured across it. Must be shorter than the timeout' }),
  tlsVerify: z.boolean().default(true),
});
export type RedisTarget = z.output<typeof schema>;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });

/** Redis's own refusals, in words; anything else is a network or TLS cause. */
export function explainRedis(err: unknown, at: Endpoint): string {
  const msg = String((err as Error)?.message ?? err);
  const where = `${at.host}:${at.port}`;
  if (/max number of clients reached/i.test(msg)) return `Redis at ${where} refuses new clients: maxclients reached (raise maxclients, or find what holds the connections: CLIENT LIST)`;
  if (/WRONGPASS|invalid password|invalid username-password/i.test(msg)) return `authentication failed for Redis at ${where}: wrong password (check the URL's password)`;
  if (/NOAUTH/i.test(msg)) return `authentication required by Redis at ${where}: add a password to the URL (redis://:PASSWORD@host)`;
  if (/LOADING/.test(msg)) return `Redis at ${where} is loading its dataset and not serving yet`;
  return classifyError(err, at);
}

/** What a server says on its own the moment it accepts a connection (Redis at maxclients: "-ERR max number of clients reached"). */
function serverGreeting(host: string, port: number, timeoutMs = 300): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = netConnect({ host, port });
    const done = (text?: string) => {
      clearTimeout(timer);
      s.destroy();
      resolve(text);
    };
    const timer = setTimeout(() => done(), timeoutMs);
    s.once('data', (d: Buffer) => done(d.toString('utf8', 0, 200).split('\r\n')[0]));
    s.once('error', () => done());
    s.once('close', () => done());
  });
}

/** A client that gives up instead of retrying: a probe reports what it finds, it does not wait for it to get better. */
export async function connectRedis(url: string, o: { timeoutMs: number; tlsVerify: boolean; name: string; stage?(s: string): void }): Promise<Redis & { lastError?: unknown }> {
  const { Redis } = await import('ioredis');
  const client: Redis & { lastError?: unknown } = new Redis(url, {
    lazyConnect: true,
    connectTimeout: o.timeoutMs,
    commandTimeout: o.timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableReadyCheck: false,
    connectionName: o.name,
    tls: url.startsWith('rediss:') ? { rejectUnauthorized: o.tlsVerify } : undefined,
  });
  // ioredis reports the real cause (WRONGPASS, maxclients, a protocol error) only as an event, and the
  // awaited call then fails with a bare "Connection is closed."; keep the event's error to explain it.
  client.on('error', (err) => { client.lastError = err; });
  client.on('connect', () => o.stage?.('waiting for the handshake (AUTH, CLIENT SETNAME) to be answered'));
  await client.connect().catch((err) => {
    client.disconnect();
    throw client.lastError && /Connection is closed/i.test((err as Error).message) ? client.lastError : err;
  });
  return client;
}

async function run(target: RedisTarget, ctx: ProbeContext): Promise<ProbeOutcome> {
  const at = endpointOf(target.url, 6379);
  let client: (Redis & { lastError?: unknown }) | undefined;
  const connecting = connectRedis(target.url, { timeoutMs: ctx.timeoutMs, tlsVerify: target.tlsVerify, name: 'validate-probe', stage: ctx.stage });
  ctx.signal.addEventListener('abort', () => void connecting.then((c) => c.disconnect(), () => undefined), { once: true });
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
    const info = parseInfo(await client.info());
    const elapsedS = (performance.now() - t0) / 1000;
    let lag;
    if (info.get('role') === 'slave') {
      ctx.stage('comparing replication offsets with the primary');
      const budgetMs = Math.max(50, ctx.timeoutMs - (performance.now() - t0) - 100);
      lag = await replicaLag(client, info, { url: target.url, budgetMs, signal: ctx.signal, connect: (url) => connectRedis(url, { timeoutMs: Math.min(1000, budgetMs), tlsVerify: target.tlsVerify, name: 'validate-probe' }) });
    }
    return judgeRedis({ before, info, pings, elapsedS, lag });
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    let cause = client?.lastError && /Connection is closed/i.test((err as Error).message) ? client.lastError : err;
    // A handshake cut short (EPIPE, reset, closed) often had the server's reason in its first bytes, which the client lost.
    if (/EPIPE|ECONNRESET|Connection is closed/i.test(`${(cause as Error)?.message} ${(cause as { code?: string })?.code}`)) {
      const said = await serverGreeting(String(at.host), Number(at.port));
      if (said?.startsWith('-')) cause = new Error(said.slice(1));
    }
    return { status: 'fail', latencyMs: null, error: explainRedis(cause, at), details: {}, measurements: [] };
  } finally {
    client?.disconnect();
  }
}

export const redisProbe: ProbeKind<RedisTarget> = {
  kind: 'redis',
  aliases: [],
  schemes: ['redis', 'rediss'],
  summary: 'Redis: PING samples, memory, clients, persistence, replication lag from offsets, CPU over the window',
  schema,
  metrics: REDIS_METRICS,
  check(t, { timeoutMs }) {
    if (t.samples > 1 && t.window >= timeoutMs) {
      return [{ path: ['window'], message: `window ${t.window} ms is not shorter than the timeout (${timeoutMs} ms): the probe could never finish; shorten the window or raise the timeout` }];
    }
    return [];
  },
  run,
};
