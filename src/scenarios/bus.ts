import { z } from 'zod';
import { duration, name } from '../fields/fields.js';
import { tlsVerifyOf } from '../fields/target.js';
import { busFactory } from '../load/bus-connection.js';
import type { BusEndpoint, BusTransport } from '../load/bus-transport.js';
import { measure } from '../load/measure.js';
import { natsCore, natsJetStream } from '../load/nats-bus-transport.js';
import { redisPubSub, redisStream } from '../load/redis-bus-transport.js';
import { rabbitmqExchange, rabbitmqQueue } from '../load/rabbitmq-bus-transport.js';
import { mqttTopic } from '../load/mqtt-bus-transport.js';
import { Schedule } from '../load/schedule.js';
import type { Measurement, MetricSpec } from '../results/measurement.js';
import type { Delivery } from '../results/scenario-result.js';
import { redactUrl } from '../util/redact.js';
import { scenarioBase } from './fields.js';
import { defineScenario } from './types.js';
import { mergeBusExtras } from './bus-merge.js';

/**
 * Each bus kind's transports, by target kind, and what `channel` and `stream` mean on it (the schema's
 * words are made from these): a new bus kind is a transport and an entry here.
 */
/** What a transport reads of its scenario (not BusScenario itself: the schema's words are made from this table). */
interface BusSide {
  channel?: string;
  stream?: string;
  timeout: number;
  clientName: string;
}

const TRANSPORTS: Record<string, { open: (t: BusEndpoint, s: BusSide) => BusTransport; channel: string; stream: string }> = {
  redis: {
    open: (t, s) => (s.stream ? redisStream(t, s.stream, s.timeout, s.clientName) : redisPubSub(t, s.channel!, s.timeout, s.clientName)),
    channel: 'a Redis channel',
    stream: 'a Redis stream (XADD, read by a consumer group of the run)',
  },
  nats: {
    open: (t, s) => (s.stream ? natsJetStream(t, s.stream, s.timeout, s.clientName) : natsCore(t, s.channel!, s.timeout, s.clientName)),
    channel: 'a core NATS subject',
    stream: 'a NATS JetStream subject (a consumer of the run)',
  },
  rabbitmq: {
    open: (t, s) =>
      s.stream ? rabbitmqQueue(t, s.stream, s.timeout, s.clientName) : rabbitmqExchange(t, s.channel!, s.timeout, s.clientName),
    channel: 'RabbitMQ exchange/routing.key (or a routing key on amq.topic)',
    stream: 'a RabbitMQ queue',
  },
  mqtt: {
    open: (t, s) => mqttTopic(t, (s.stream ?? s.channel)!, s.timeout, s.clientName, s.stream ? 1 : 0),
    channel: 'an MQTT topic at QoS 0',
    stream: 'an MQTT topic at QoS 1, with a session the broker keeps',
  },
};
const each = (side: 'channel' | 'stream'): string =>
  Object.values(TRANSPORTS)
    .map((t) => t[side])
    .join('; ');

const schema = z.strictObject({
  kind: z.literal('bus'),
  ...scenarioBase,
  target: name.meta({ description: `The bus: a ${Object.keys(TRANSPORTS).join(', ')} target` }),
  channel: z
    .string()
    .min(1)
    .optional()
    .meta({ description: `Pub/sub: publish on this channel, receive on a subscriber of the run: ${each('channel')}` }),
  stream: z
    .string()
    .min(1)
    .optional()
    .meta({ description: `Instead of a channel, a stream, read and acknowledged by a consumer of the run: ${each('stream')}` }),
  rate: z.number().positive().max(1_000_000).meta({ description: 'Messages per second, on a fixed schedule' }),
  duration,
  size: z
    .number()
    .int()
    .min(1)
    .max(1024 * 1024)
    .default(128)
    .meta({ description: 'Bytes per message' }),
  clientName: z.string().min(1).default('validate-bus').meta({
    description:
      "The name its connections give the bus (CLIENT SETNAME), plus -publisher/-subscriber: a fault aimed at the platform's clients by name cuts this traffic too",
  }),
});
export type BusScenario = z.output<typeof schema>;

/** How long the end-of-run marker is waited for, at most. */
const FENCE_WAIT_MS = 2000;

/** What a bus result has beyond a load result's metrics. */
const BUS_RESULT_METRICS: Record<string, MetricSpec> = {
  published: { unit: 'count', aggregate: 'sum', label: 'published' },
  delivered: { unit: 'count', aggregate: 'sum', label: 'delivered' },
  lost: { unit: 'count', aggregate: 'sum', label: 'messages lost' },
  publish_failed: { unit: 'count', aggregate: 'sum', label: 'publish failed' },
  duplicated: { unit: 'count', aggregate: 'sum', label: 'duplicated' },
  out_of_order: { unit: 'count', aggregate: 'sum', label: 'out of order' },
  max_gap_ms: { unit: 'ms', aggregate: 'max', label: 'longest gap between deliveries' },
};

/**
 * Traffic on a message bus: messages published on a fixed schedule (the open model), each one's delivery
 * latency from when it was due (a stalled bus shows in every message that waited), and what the bus did
 * with them: delivered, lost, duplicated, out of order, and the longest gap between deliveries.
 */
export const busScenario = defineScenario<BusScenario>({
  kind: 'bus',
  section: { title: 'Bus traffic', order: 16 },
  carriesTraffic: true,
  summary:
    'Messages on a fixed schedule over pub/sub or a stream: delivery latency from the due time, delivered, lost, duplicated, out of order, gaps',
  schema,
  // A stream keeps what is published (XADD, a JetStream message); pub/sub keeps nothing.
  changesData: (s) => (s.stream ? [`${s.name}: publishes to the stream ${s.stream}`] : []),
  results: (s) => [s.name],
  references: (s) => [{ name: s.target, path: ['target'], kinds: Object.keys(TRANSPORTS) }],
  resultMetrics: (s) => ({ [s.name]: BUS_RESULT_METRICS }),
  mergeExtras: mergeBusExtras,
  remeasure: (results) => results.map((r) => (r.delivery ? deliveryMeasurements(r.delivery) : [])),
  check: (s) =>
    Boolean(s.channel) === Boolean(s.stream) ? [{ path: [], message: 'give "channel" (pub/sub) or "stream", not both or neither' }] : [],
  async run(s, ctx) {
    const target = ctx.targets.get(s.target)!;
    // Each shard on a channel (or stream) of its own: every shard's subscriber sees only its own messages.
    const shard = ctx.load.shard;
    const own =
      shard && shard.total > 1
        ? { ...s, channel: s.channel && `${s.channel}:shard-${shard.index}`, stream: s.stream && `${s.stream}:shard-${shard.index}` }
        : s;
    const transport = TRANSPORTS[target.kind].open({ url: target.url, tlsVerify: tlsVerifyOf(target) }, own);
    const opened = await transport.open().then(
      () => undefined,
      (err: Error) => err,
    );
    const bus = busFactory(opened ? failing(transport, opened) : transport, s.size);
    if (!opened) ctx.onTraffic?.(bus.witness);
    let result;
    try {
      result = await measure({
        name: s.name,
        kind: 'bus',
        scenario: s.name,
        target: `${own.stream ? `stream ${own.stream}` : `channel ${own.channel}`} on ${redactUrl(target.url)}, ${s.size} B messages`,
        url: target.url,
        factory: bus.factory,
        // Every message in flight holds a handle, not a connection: the cap only bounds memory.
        model: {
          type: 'open',
          schedule: new Schedule([{ from: s.rate, to: s.rate, durationMs: s.duration }]),
          maxConnections: 1_000_000,
          lateAfterMs: 5,
          drainMs: s.timeout,
        },
        ...ctx.load,
        successPct: s.success,
      });
      // Whatever the bus still delivers before a marker published after the last message (a duplicate of it) is counted.
      if (!opened && !ctx.signal?.aborted) await bus.fence(Math.min(s.timeout, FENCE_WAIT_MS));
    } finally {
      await transport.close().catch(() => undefined);
    }
    result.targetName = s.target;
    const d = bus.counts();
    result.delivery = {
      published: d.published,
      delivered: d.delivered,
      lost: d.lost,
      publishFailed: d.publishFailed,
      duplicated: d.duplicated,
      outOfOrder: d.outOfOrder,
      maxGapMs: d.maxGapMs,
    };
    result.measurements.push(...deliveryMeasurements(result.delivery));
    const left = transport.leftBehind?.();
    if (left) result.notes = [left];
    return [result];
  },
});

function deliveryMeasurements(d: Delivery): Measurement[] {
  const values: Record<string, number> = {
    published: d.published,
    delivered: d.delivered,
    lost: d.lost,
    publish_failed: d.publishFailed,
    duplicated: d.duplicated,
    out_of_order: d.outOfOrder,
    max_gap_ms: d.maxGapMs,
  };
  return Object.entries(values).map(([metric, value]) => ({ metric, value, unit: BUS_RESULT_METRICS[metric].unit }));
}

/** A bus that could not be opened: every message fails with why, so the result says it. */
function failing(t: BusTransport, err: Error): BusTransport {
  return { ...t, open: async () => undefined, publish: () => Promise.reject(err), onDelivery: () => undefined };
}
