import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { z } from 'zod';
import { targetBase } from '../fields/fields.js';
import { connectMqtt, endMqtt, explainMqtt, MQTT_PORT, MQTTS_PORT, mqttEndpoint } from '../protocols/mqtt.js';
import { BUS_METRICS } from './bus-metrics.js';
import { addRoundTrip, busRoundTrip } from './bus-round-trip.js';
import { readRetained, RETAINED_METRICS } from './mqtt-retained.js';
import { CREDENTIALS_REQUIRED } from './shared-evidence.js';
import { CERTIFICATE_METRICS, certificateField, readTlsPosture } from './tls-posture.js';
import { defineProbe, type ProbeContext, type ProbeOutcome } from './types.js';

/**
 * An MQTT broker (3.1.1) as a message bus, in the bus vocabulary the other buses use: a round trip on a
 * topic of its own at the QoS given (published by one client, received by another), the retained
 * messages of named topics and their age, the clients the broker counts on `$SYS`, and whether it lets in
 * a client without credentials.
 */
const schema = z.strictObject({
  kind: z.literal('mqtt'),
  ...targetBase(['mqtt', 'mqtts']),
  certificate: certificateField,
  tlsVerify: z.boolean().default(true).meta({ description: "Check the broker's certificate (mqtts)" }),
  samples: z.number().int().min(1).max(100).default(5).meta({ description: 'Messages of the round trip' }),
  qos: z
    .union([z.literal(0), z.literal(1)])
    .default(1)
    .meta({ description: 'QoS of the round trip: 0 at most once, 1 at least once' }),
  retained: z.array(z.string().min(1)).default([]).meta({
    description:
      'Topics that must hold a retained message (the last value a new subscriber gets): retained{topic}, and retained_age_s{topic} from a JSON ts field',
  }),
});
export type MqttTarget = z.output<typeof schema>;

async function run(target: MqttTarget, ctx: ProbeContext): Promise<ProbeOutcome> {
  const at = mqttEndpoint(target.url);
  const t0 = performance.now();
  const id = randomBytes(4).toString('hex');
  const opened: MqttClient[] = [];
  const open = async (clientId: string, anonymous = false) => {
    const c = await connectMqtt(target.url, {
      timeoutMs: ctx.timeoutMs,
      clientId,
      reconnect: false,
      tlsVerify: target.tlsVerify,
      anonymous,
    });
    opened.push(c);
    return c;
  };
  ctx.signal.addEventListener('abort', () => opened.forEach((c) => c.end(true)), { once: true });
  try {
    ctx.stage('waiting for CONNACK');
    const pub = await open(`validate-probe-${id}`);
    const out: ProbeOutcome = { status: 'pass', latencyMs: performance.now() - t0, details: {}, measurements: [] };
    if (ctx.liveness) return out;
    const left = () => Math.max(50, ctx.timeoutMs - (performance.now() - t0));
    const sub = await open(`validate-probe-sub-${id}`);
    ctx.stage(`waiting for ${target.samples} round trip(s) at QoS ${target.qos}`);
    await roundTrip(pub, sub, `validate/probe/${id}`, target, left() / 3, out);
    ctx.stage('reading retained messages and $SYS');
    await readRetained(sub, target.retained, Math.min(500, left() / 3), out);
    if (!ctx.repeat) {
      await tlsOf(target, left(), out);
      ctx.stage('trying a client without credentials');
      const anonymous = await open(`validate-probe-anon-${id}`, true).then(
        () => true,
        (err: { code?: number }) => (err.code === 5 || err.code === 135 || err.code === 4 ? false : undefined),
      );
      if (anonymous !== undefined) out.measurements.push({ metric: 'auth_required', value: anonymous ? 0 : 1, unit: 'count' });
    }
    if (out.warnings?.length) out.status = 'warn';
    return out;
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return { status: 'fail', latencyMs: null, error: explainMqtt(err, at), details: {}, measurements: [] };
  } finally {
    await Promise.all(opened.map((c) => endMqtt(c)));
  }
}

async function roundTrip(
  pub: MqttClient,
  sub: MqttClient,
  topic: string,
  t: MqttTarget,
  budgetMs: number,
  out: ProbeOutcome,
): Promise<void> {
  const r = await busRoundTrip(
    {
      channel: `topic ${topic}`,
      publish: (seq) => void pub.publishAsync(topic, String(seq), { qos: t.qos }).catch(() => undefined),
      async subscribe(arrived) {
        sub.on('message', (got: string, payload: Buffer) => {
          if (got === topic) arrived(Number.parseInt(payload.toString('latin1'), 10));
        });
        await sub.subscribeAsync(topic, { qos: t.qos });
      },
    },
    t.samples,
    budgetMs,
  );
  addRoundTrip(out, r);
}

async function tlsOf(t: MqttTarget, budgetMs: number, out: ProbeOutcome): Promise<void> {
  if (!t.url.startsWith('mqtts:')) out.measurements.push({ metric: 'tls_enabled', value: 0, unit: 'count' });
  else await readTlsPosture(t.url, 'direct', { defaultPort: MQTTS_PORT, bounds: t.certificate, budgetMs: Math.min(1000, budgetMs) }, out);
}

export const mqttProbe = defineProbe<MqttTarget>({
  kind: 'mqtt',
  aliases: [],
  schemes: ['mqtt', 'mqtts'],
  ports: { mqtt: MQTT_PORT, mqtts: MQTTS_PORT },
  summary: 'MQTT: a round trip at QoS 0 or 1, retained messages and their age, clients counted on $SYS, the anonymous login',
  schema,
  metrics: {
    ...BUS_METRICS,
    ...RETAINED_METRICS,
    // 1 when the broker refuses a client that gives no credentials.
    auth_required: { unit: 'count', aggregate: 'min', label: 'credentials required', flag: true, evidence: CREDENTIALS_REQUIRED },
    ...CERTIFICATE_METRICS,
  },
  promql: (_t, metric) =>
    ({
      // As mosquitto-exporter exports $SYS.
      clients_connected: 'sum(broker_clients_connected{job="$target"})',
    })[metric],
  run,
});
