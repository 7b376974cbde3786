import { randomBytes } from 'node:crypto';
import type { NatsConnection } from 'nats';
import { z } from 'zod';
import { targetBase } from '../fields/fields.js';
import { endpointOf } from '../protocols/network-errors.js';
import { connectNats, explainNats, NATS_PORT } from '../protocols/nats.js';
import type { Measurement } from '../results/measurement.js';
import { median } from '../util/median.js';
import { BUS_METRICS } from './bus-metrics.js';
import { busRoundTrip } from './bus-round-trip.js';
import { defineProbe, type ProbeContext, type ProbeOutcome } from './types.js';

/**
 * A NATS server as a message bus, in the bus vocabulary the Redis buses use: PING round trips, a core
 * pub/sub round trip (published on one connection, received on another), and JetStream consumers'
 * backlog: stream_lag (messages not yet delivered to the consumer) and stream_pending (delivered, not
 * yet acknowledged), labelled {stream, consumer}.
 */
const schema = z.strictObject({
  kind: z.literal('nats'),
  ...targetBase(['nats']),
  samples: z.number().int().min(1).max(100).default(5).meta({ description: 'PING round trips and pub/sub messages to sample' }),
  consumers: z
    .array(z.strictObject({ stream: z.string().min(1), consumer: z.string().min(1) }))
    .default([])
    .meta({ description: 'JetStream consumers whose backlog is read: stream_lag{stream,consumer}, stream_pending{stream,consumer}' }),
});
export type NatsTarget = z.output<typeof schema>;

const { subscribers: _notOnNats, ...NATS_BUS_METRICS } = BUS_METRICS;

async function run(target: NatsTarget, ctx: ProbeContext): Promise<ProbeOutcome> {
  const at = endpointOf(target.url, NATS_PORT);
  const opened: NatsConnection[] = [];
  const open = async (name: string) => {
    const c = await connectNats(target.url, { timeoutMs: ctx.timeoutMs, name, reconnect: false, stage: ctx.stage });
    opened.push(c);
    return c;
  };
  ctx.signal.addEventListener('abort', () => opened.forEach((c) => void c.close().catch(() => undefined)), { once: true });
  try {
    ctx.stage('connecting');
    const nc = await open('validate-probe');
    const pings: number[] = [];
    for (let i = 0; i < (ctx.liveness ? 1 : target.samples); i++) {
      ctx.stage(`waiting for PONG ${i + 1}`);
      const s = performance.now();
      await nc.flush();
      pings.push(performance.now() - s);
    }
    const ping = median(pings);
    const out: ProbeOutcome = { status: 'pass', latencyMs: ping, details: {}, measurements: [{ metric: 'ping_ms', value: ping, unit: 'ms' }] };
    if (ctx.liveness) return out;
    const info = nc.info!;
    // An unnamed server's name is its 56-character ID: not worth a line.
    out.details = { version: info.version, ...(info.server_name !== info.server_id && { server: info.server_name }), jetstream: Boolean(info.jetstream), maxPayloadBytes: info.max_payload };
    ctx.stage(`waiting for ${target.samples} pub/sub round trip(s)`);
    await roundTrip(nc, await open('validate-probe-subscriber'), target.samples, ctx.timeoutMs, out);
    if (target.consumers.length) {
      ctx.stage('reading JetStream consumers');
      await consumers(nc, target.consumers, out);
    }
    if (out.warnings?.length) out.status = 'warn';
    return out;
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return { status: 'fail', latencyMs: null, error: explainNats(err, at), details: {}, measurements: [] };
  } finally {
    await Promise.all(opened.map((c) => c.close().catch(() => undefined)));
  }
}

/** Core NATS: the round trip on a subject of its own, published on one connection and received on another. */
async function roundTrip(pub: NatsConnection, sub: NatsConnection, samples: number, budgetMs: number, out: ProbeOutcome): Promise<void> {
  const subject = `validate.probe.${randomBytes(6).toString('hex')}`;
  const r = await busRoundTrip(
    {
      channel: subject,
      publish: (seq) => pub.publish(subject, String(seq)),
      async subscribe(arrived) {
        sub.subscribe(subject, { callback: (_err, m) => arrived(Number(new TextDecoder().decode(m.data))) });
        await sub.flush(); // the server knows the subscription before anything is published
      },
    },
    samples,
    budgetMs,
  );
  out.measurements.push(...r.measurements);
  if (r.warnings.length) (out.warnings ??= []).push(...r.warnings);
  if (Object.keys(r.unmeasured).length) out.unmeasured = { ...out.unmeasured, ...r.unmeasured };
}

/** JetStream consumers' backlog from the server's consumer info; without a selector, the worst consumer. */
async function consumers(nc: NatsConnection, wanted: NatsTarget['consumers'], out: ProbeOutcome): Promise<void> {
  const jsm = await nc.jetstreamManager();
  const found: Measurement[] = [];
  for (const { stream, consumer } of wanted) {
    try {
      const ci = await jsm.consumers.info(stream, consumer);
      const labels = { stream, consumer };
      found.push({ metric: 'stream_lag', value: ci.num_pending, unit: 'count', labels }, { metric: 'stream_pending', value: ci.num_ack_pending, unit: 'count', labels });
    } catch (err) {
      const why = `JetStream consumer ${consumer} of stream ${stream}: ${(err as Error).message}`;
      (out.warnings ??= []).push(why);
      for (const metric of ['stream_lag', 'stream_pending']) (out.unmeasured ??= {})[metric] ??= why;
    }
  }
  out.measurements.push(...found);
  for (const metric of ['stream_lag', 'stream_pending']) {
    const values = found.filter((m) => m.metric === metric).map((m) => m.value);
    if (values.length) out.measurements.push({ metric, value: Math.max(...values), unit: 'count' });
  }
  const labels = { stream: wanted.map((w) => w.stream), consumer: wanted.map((w) => w.consumer) };
  out.labelValues = { stream_lag: labels, stream_pending: labels };
}

export const natsProbe = defineProbe<NatsTarget>({
  kind: 'nats',
  aliases: [],
  schemes: ['nats'],
  summary: 'NATS: PING round trips, a core pub/sub round trip, JetStream consumers (not yet delivered, not yet acknowledged)',
  schema,
  metrics: { ping_ms: { unit: 'ms', aggregate: 'max', label: 'PING', headline: true }, ...NATS_BUS_METRICS },
  run,
});
