import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { LabelValues, Measurement, MetricSpec } from '../results/measurement.js';
import { BUS_METRICS } from './bus-metrics.js';
import { busRoundTrip } from './bus-round-trip.js';

/**
 * A Redis used as a message bus: a pub/sub round trip on a probe channel of its own (published on one
 * connection, received on another), the subscribers of named channels (PUBSUB NUMSUB), and the
 * consumer groups of named streams (XINFO GROUPS: lag and pending; XPENDING: the oldest pending entry).
 */
export const busSchema = z
  .strictObject({
    roundTrip: z.boolean().default(true).meta({ description: 'Publish on a probe channel of its own and receive on a second connection' }),
    samples: z.number().int().min(1).max(100).default(5).meta({ description: 'Messages of the round trip' }),
    channels: z
      .array(z.string().min(1))
      .default([])
      .meta({ description: 'Channels that must have subscribers: subscribers{channel="..."}' }),
    probeMessage: z.boolean().default(false).meta({
      description:
        'Count each channel\'s receivers by publishing a probe message on it (PUBLISH says how many clients got it): exact with pattern subscribers (PSUBSCRIBE), which PUBSUB NUMSUB cannot count; the platform\'s subscribers receive {"validate":"probe"}',
    }),
    streams: z
      .array(
        z.strictObject({
          key: z.string().min(1),
          group: z.string().min(1).optional().meta({ description: 'One consumer group; default: every group of the stream' }),
        }),
      )
      .default([])
      .meta({ description: 'Streams whose consumer groups are read: stream_lag, stream_pending, stream_oldest_pending_s' }),
  })
  .meta({ description: 'Check this Redis as a message bus' });
export type BusConfig = z.output<typeof busSchema>;

/** A bus's measurements, as every bus kind names them, with what only Redis tells: the oldest pending entry's age. */
export const REDIS_BUS_METRICS: Record<string, MetricSpec> = {
  ...BUS_METRICS,
  stream_oldest_pending_s: { unit: 'seconds', aggregate: 'max', label: 'oldest pending', labelled: true },
};

export interface BusReading {
  measurements: Measurement[];
  warnings: string[];
  labelValues: LabelValues;
  unmeasured: Record<string, string>;
  broken?: Record<string, string>;
}

type Connect = () => Promise<Redis>;

export async function probeBus(
  client: Redis,
  connect: Connect,
  bus: BusConfig,
  budgetMs: number,
  stage: (s: string) => void,
): Promise<BusReading> {
  const out: BusReading = { measurements: [], warnings: [], labelValues: {}, unmeasured: {} };
  if (bus.roundTrip) {
    stage(`waiting for ${bus.samples} pub/sub round trip(s)`);
    await roundTrip(client, connect, bus.samples, budgetMs, out);
  }
  if (bus.channels.length) await subscribers(client, bus, stage, out);
  for (const s of bus.streams) {
    stage(`waiting for XINFO GROUPS ${s.key}`);
    await streamGroups(client, s, out);
  }
  const streamLabels = {
    stream: bus.streams.map((s) => s.key),
    group: [...new Set(out.measurements.filter((m) => m.labels?.group).map((m) => m.labels!.group))],
  };
  for (const metric of ['stream_lag', 'stream_pending', 'stream_oldest_pending_s']) {
    if (!bus.streams.length) continue;
    out.labelValues[metric] = streamLabels;
    // Without a selector: the worst group of all the streams.
    const values = out.measurements.filter((m) => m.metric === metric && m.labels).map((m) => m.value);
    if (values.length) out.measurements.push({ metric, value: Math.max(...values), unit: REDIS_BUS_METRICS[metric].unit });
  }
  return out;
}

/** The message a probe publishes to count a channel's receivers: recognisable, and JSON for consumers that parse it. */
export const PROBE_MESSAGE = '{"validate":"probe","note":"counting receivers; ignore"}';

/**
 * Each channel's subscribers, as every bus kind answers it: every client a message on it reaches. PUBSUB
 * NUMSUB counts exact-channel subscribers only; with pattern subscriptions on the server (PUBSUB NUMPAT)
 * it cannot say who else receives, and Redis cannot list the patterns. Then only a probe message counted
 * by PUBLISH answers, which the platform's subscribers receive too: so only when the config asks.
 */
async function subscribers(client: Redis, bus: BusConfig, stage: (s: string) => void, out: BusReading): Promise<void> {
  let counts: { channel: string; n: number }[];
  if (bus.probeMessage) {
    stage('publishing a probe message on each channel (PUBLISH counts its receivers)');
    counts = [];
    for (const channel of bus.channels) counts.push({ channel, n: Number(await client.publish(channel, PROBE_MESSAGE)) });
  } else {
    stage('waiting for PUBSUB NUMSUB');
    const reply = (await client.call('PUBSUB', 'NUMSUB', ...bus.channels)) as (string | number)[];
    counts = bus.channels.map((channel, i) => ({ channel, n: Number(reply[2 * i + 1]) }));
    const patterns = Number(await client.call('PUBSUB', 'NUMPAT'));
    if (patterns > 0) {
      const exact = counts.map((c) => `${c.channel} ${c.n}`).join(', ');
      const why = `this Redis has ${patterns} pattern subscription(s) (PSUBSCRIBE), which may receive ${bus.channels.join(', ')} and which Redis cannot list; exact-channel subscribers: ${exact}. Give bus.probeMessage: true to count every receiver with a probe message`;
      out.unmeasured.subscribers = why;
      out.warnings.push(`subscribers not counted: ${why}`);
      return;
    }
  }
  for (const { channel, n } of counts) out.measurements.push({ metric: 'subscribers', value: n, unit: 'count', labels: { channel } });
  out.measurements.push({ metric: 'subscribers', value: Math.min(...counts.map((c) => c.n)), unit: 'count' });
  const none = counts.filter((c) => c.n === 0).map((c) => c.channel);
  if (none.length) out.warnings.push(`no subscriber on ${none.join(', ')}`);
  out.labelValues.subscribers = { channel: bus.channels };
}

/** The round trip on a channel of its own, published on the probe's connection and received on a second one. */
async function roundTrip(client: Redis, connect: Connect, samples: number, budgetMs: number, out: BusReading): Promise<void> {
  const channel = `validate:probe:${randomBytes(6).toString('hex')}`;
  const sub = await connect();
  try {
    const r = await busRoundTrip(
      {
        channel,
        publish: (seq) => client.publish(channel, String(seq)).then(() => undefined),
        async subscribe(arrived) {
          sub.on('message', (_ch: string, text: string) => arrived(Number(text)));
          await sub.subscribe(channel);
        },
      },
      samples,
      budgetMs,
    );
    out.measurements.push(...r.measurements);
    out.warnings.push(...r.warnings);
    out.broken = { ...out.broken, ...r.broken };
  } finally {
    sub.disconnect();
  }
}

/** A stream's consumer groups: lag (null in Redis after deletions: unknown), pending, and the oldest pending entry's idle time. */
async function streamGroups(client: Redis, s: BusConfig['streams'][number], out: BusReading): Promise<void> {
  let groups: Record<string, unknown>[];
  try {
    groups = ((await client.call('XINFO', 'GROUPS', s.key)) as unknown[][]).map(pairs);
  } catch (err) {
    const why = /no such key/i.test((err as Error).message)
      ? `stream ${s.key} does not exist`
      : `XINFO GROUPS ${s.key}: ${(err as Error).message}`;
    out.warnings.push(why);
    for (const metric of ['stream_lag', 'stream_pending', 'stream_oldest_pending_s']) out.unmeasured[metric] ??= why;
    return;
  }
  const picked = s.group ? groups.filter((g) => g.name === s.group) : groups;
  if (picked.length === 0) {
    const why = s.group
      ? `stream ${s.key} has no consumer group "${s.group}" (it has: ${groups.map((g) => g.name).join(', ') || 'none'})`
      : `stream ${s.key} has no consumer group`;
    out.warnings.push(why);
    for (const metric of ['stream_lag', 'stream_pending', 'stream_oldest_pending_s']) out.unmeasured[metric] ??= why;
    return;
  }
  for (const g of picked) {
    const labels = { stream: s.key, group: String(g.name) };
    const pending = Number(g.pending);
    out.measurements.push({ metric: 'stream_pending', value: pending, unit: 'count', labels });
    if (g.lag === null || g.lag === undefined)
      out.unmeasured.stream_lag ??= `Redis reports no lag for group ${labels.group} of ${s.key} (entries were deleted or trimmed, or Redis is older than 7)`;
    else out.measurements.push({ metric: 'stream_lag', value: Number(g.lag), unit: 'count', labels });
    const oldest = pending ? await oldestPendingMs(client, s.key, labels.group) : 0;
    if (typeof oldest === 'string') out.unmeasured.stream_oldest_pending_s ??= oldest;
    else out.measurements.push({ metric: 'stream_oldest_pending_s', value: oldest / 1000, unit: 'seconds', labels });
  }
}

/** Steps of the climb before giving up: each step finds an entry idle longer than every one before it in ID order. */
const MAX_CLIMB = 64;

/**
 * The idle time of the longest-waiting pending entry of a group. The entry with the lowest ID is not it
 * when an entry was reclaimed (XCLAIM and XAUTOCLAIM reset an entry's idle time), so this climbs: the
 * first entry (in ID order) idle at least one millisecond longer than the longest seen so far, until there
 * is none. Usually one or two steps; each reads only up to the entry it returns. Redis 6.2 or later (IDLE).
 */
async function oldestPendingMs(client: Redis, key: string, group: string): Promise<number | string> {
  let longest = -1;
  for (let step = 0; step < MAX_CLIMB; step++) {
    let found: [string, string, number, number][];
    try {
      found = (await client.call('XPENDING', key, group, 'IDLE', String(longest + 1), '-', '+', '1')) as [string, string, number, number][];
    } catch (err) {
      return `XPENDING ${key} ${group} IDLE: ${(err as Error).message} (the oldest pending entry needs Redis 6.2 or later)`;
    }
    if (found.length === 0) return Math.max(0, longest);
    longest = Number(found[0][2]);
  }
  return `the oldest pending entry of ${group} on ${key} was not found in ${MAX_CLIMB} steps (reclaimed entries in ascending idle order)`;
}

/** XINFO's flat [key, value, key, value] reply as an object. */
function pairs(flat: unknown[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) o[String(flat[i])] = flat[i + 1];
  return o;
}
