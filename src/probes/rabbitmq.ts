import { randomBytes } from 'node:crypto';
import type { Connection } from 'rabbitmq-client';
import { z } from 'zod';
import { targetBase, urlWithSchemes } from '../fields/fields.js';
import { AMQP_PORT, AMQPS_PORT, amqpEndpoint, closeAmqp, connectAmqp, explainAmqp } from '../protocols/amqp.js';
import { BUS_METRICS } from './bus-metrics.js';
import { addRoundTrip, busRoundTrip } from './bus-round-trip.js';
import { ManagementError, managementBase } from '../protocols/rabbitmq-api.js';
import { readManagement, withoutManagement, type ManagementReading } from './rabbitmq-management.js';
import { readQueues, rabbitmqGuestLogin } from './rabbitmq-queues.js';
import { CREDENTIALS_REQUIRED } from './shared-evidence.js';
import { CERTIFICATE_METRICS, certificateField, readTlsPosture } from './tls-posture.js';
import { defineProbe, type ProbeContext, type ProbeOutcome } from './types.js';

/**
 * A RabbitMQ broker (AMQP 0-9-1) as a message bus, in the bus vocabulary the Redis and NATS buses use:
 * a round trip through a queue of the probe's own (published on one connection, consumed on another);
 * for each named queue its ready messages (stream_lag), consumers (subscribers) and, from the management
 * API, unacknowledged messages (stream_pending); a resource alarm that blocks publishers; the broker's
 * connections; whether the default guest login is refused.
 */
const schema = z.strictObject({
  kind: z.literal('rabbitmq'),
  ...targetBase(['amqp', 'amqps']),
  certificate: certificateField,
  tlsVerify: z.boolean().default(true).meta({ description: "Check the broker's certificate (amqps)" }),
  samples: z.number().int().min(1).max(100).default(5).meta({ description: 'Messages of the round trip' }),
  queues: z.array(z.string().min(1)).default([]).meta({
    description:
      'Queues that must exist, read live over AMQP: stream_lag{queue} (messages ready), subscribers{queue} (consumers); stream_pending{queue} (unacknowledged) needs management',
  }),
  management: urlWithSchemes(['http', 'https']).optional().meta({
    description:
      "The broker's management API (rabbitmq-plugins enable rabbitmq_management; port 15672), with the AMQP URL's credentials unless it has its own: unacknowledged messages, connections, alarms by node",
  }),
});
export type RabbitmqTarget = z.output<typeof schema>;

const NO_MANAGEMENT =
  'RabbitMQ tells unacknowledged messages and its connections only on its management API: give management: http://host:15672 (rabbitmq-plugins enable rabbitmq_management)';

async function run(target: RabbitmqTarget, ctx: ProbeContext): Promise<ProbeOutcome> {
  const at = amqpEndpoint(target.url);
  const t0 = performance.now();
  const opened: Connection[] = [];
  let blocked: string | undefined;
  const open = async (name: string, url = target.url) => {
    const c = await connectAmqp(url, { timeoutMs: ctx.timeoutMs, name, reconnect: false, tlsVerify: target.tlsVerify, stage: ctx.stage });
    opened.push(c);
    return c;
  };
  ctx.signal.addEventListener('abort', () => opened.forEach((c) => c.unsafeDestroy()), { once: true });
  try {
    ctx.stage('connecting');
    const conn = await open('validate-probe');
    const connectMs = performance.now() - t0;
    const out: ProbeOutcome = { status: 'pass', latencyMs: connectMs, details: {}, measurements: [] };
    if (ctx.liveness) return out;
    conn.on('connection.blocked', (reason: string) => (blocked = reason));
    const left = () => Math.max(50, ctx.timeoutMs - (performance.now() - t0));
    ctx.stage(`waiting for ${target.samples} round trip(s) through a queue`);
    await roundTrip(conn, await open('validate-probe-consumer'), target.samples, left() / 3, out);
    const vhost = decodeURIComponent(new URL(target.url).pathname.slice(1)) || '/';
    if (target.queues.length) await readQueues(conn, target.queues, ctx, out);
    await readBrokerSide(target, vhost, ctx, out, blocked);
    if (!ctx.repeat) {
      await tlsOf(target, left(), out);
      ctx.stage('trying the default guest login');
      const guest = await rabbitmqGuestLogin(target.url, Math.min(left() / 2, 2000), target.tlsVerify);
      if (guest !== undefined) out.measurements.push({ metric: 'auth_required', value: guest ? 0 : 1, unit: 'count' });
    }
    if (out.warnings?.length) out.status = 'warn';
    return out;
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return { status: 'fail', latencyMs: null, error: explainAmqp(err, at), details: {}, measurements: [] };
  } finally {
    // A blocked connection is not read by the broker: its close would only wait.
    await Promise.all(opened.map((c) => (blocked ? c.unsafeDestroy() : closeAmqp(c))));
  }
}

/** A queue of the probe's own (exclusive, deleted with its consumer's connection), fed through the default exchange. */
async function roundTrip(pub: Connection, sub: Connection, samples: number, budgetMs: number, out: ProbeOutcome): Promise<void> {
  const queue = `validate.probe.${randomBytes(6).toString('hex')}`;
  const publisher = pub.createPublisher({ confirm: false });
  let consumer: ReturnType<Connection['createConsumer']> | undefined;
  const r = await busRoundTrip(
    {
      channel: `queue ${queue}`,
      // A publish is not awaited: a broker that blocks publishers (an alarm) never confirms, and shows as loss.
      publish: (seq) => void publisher.send(queue, String(seq)).catch(() => undefined),
      subscribe: (arrived) =>
        new Promise((resolve, reject) => {
          consumer = sub.createConsumer({ queue, queueOptions: { exclusive: true, autoDelete: true }, noAck: true }, (msg) =>
            arrived(Number.parseInt(String(msg.body), 10)),
          );
          consumer.on('error', () => undefined); // after set-up, an 'error' with no listener would end the process
          consumer.once('ready', () => resolve());
          consumer.once('error', reject);
        }),
    },
    samples,
    budgetMs,
  );
  // Closed here, so that closing the connections does not wait for them; a blocked broker reads nothing
  // from its publishers, so their close is never answered: bounded.
  await within(500, Promise.all([publisher.close(), consumer?.close()].map((p) => p?.catch(() => undefined))));
  addRoundTrip(out, r);
}

/** Alarms, connections, unacknowledged messages: from the management API, else the alarm as the publisher met it. */
async function readBrokerSide(t: RabbitmqTarget, vhost: string, ctx: ProbeContext, out: ProbeOutcome, blocked?: string): Promise<void> {
  if (!t.management) return alarmFromPublisher(out, blocked);
  try {
    fromManagement(await readManagement(managementBase(t.management, t.url), vhost, t.queues, ctx), out, blocked);
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const why = `management API at ${t.management}: ${err instanceof ManagementError ? err.message : String(err)}`;
    (out.warnings ??= []).push(why);
    withoutManagement(out, why);
  }
}

/** A broker in alarm blocks every connection that publishes, and says why (connection.blocked). */
function alarmFromPublisher(out: ProbeOutcome, blocked?: string): void {
  withoutManagement(out, NO_MANAGEMENT);
  const reachedBroker = out.measurements.some((m) => m.metric === 'bus_round_trip_ms');
  if (blocked || reachedBroker) out.measurements.push({ metric: 'alarm', value: blocked ? 1 : 0, unit: 'count' });
  else (out.unmeasured ??= {}).alarm = 'the round trip published nothing through, and the broker said nothing of an alarm';
  if (blocked) (out.warnings ??= []).push(`the broker blocks publishers: ${blocked}`);
}

/**
 * The API's figures, and the alarm by node. The API's node statistics lag the broker by a sample or more: a
 * publisher the broker blocked (connection.blocked, live) is an alarm in effect whatever the API says yet.
 */
function fromManagement(m: ManagementReading, out: ProbeOutcome, blocked?: string): void {
  const warn = (w: string) => (out.warnings ??= []).push(w);
  if (m.version) out.details.version = m.version;
  if (m.connections !== undefined) out.measurements.push({ metric: 'connections', value: m.connections, unit: 'count' });
  const inAlarm = m.alarms ?? [];
  if (m.alarms || blocked) out.measurements.push({ metric: 'alarm', value: inAlarm.length || blocked ? 1 : 0, unit: 'count' });
  if (inAlarm.length) warn(`resource alarm in effect (publishers are blocked): ${inAlarm.join(', ')}`);
  else if (blocked) warn(`the broker blocks publishers: ${blocked} (its management API does not list the alarm yet)`);
  for (const [queue, n] of m.unacked) out.measurements.push({ metric: 'stream_pending', value: n, unit: 'count', labels: { queue } });
  if (m.unacked.size) out.measurements.push({ metric: 'stream_pending', value: Math.max(...m.unacked.values()), unit: 'count' });
  if (m.idleQueues) {
    out.measurements.push({ metric: 'queues_without_consumers', value: m.idleQueues.length, unit: 'count' });
    out.details.queues = m.queueCount ?? null;
    if (m.idleQueues.length) warn(`no consumer on ${listed(m.idleQueues)}`);
  }
}

function within(ms: number, p: Promise<unknown>): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise((r) => (timer = setTimeout(r, ms)))]).finally(() => clearTimeout(timer));
}

const listed = (names: string[]) => (names.length > 5 ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more` : names.join(', '));

async function tlsOf(t: RabbitmqTarget, budgetMs: number, out: ProbeOutcome): Promise<void> {
  if (!t.url.startsWith('amqps:')) out.measurements.push({ metric: 'tls_enabled', value: 0, unit: 'count' });
  else await readTlsPosture(t.url, 'direct', { defaultPort: AMQPS_PORT, bounds: t.certificate, budgetMs: Math.min(1000, budgetMs) }, out);
}

export const rabbitmqProbe = defineProbe<RabbitmqTarget>({
  kind: 'rabbitmq',
  aliases: ['amqp'],
  schemes: ['amqp', 'amqps'],
  ports: { amqp: AMQP_PORT, amqps: AMQPS_PORT },
  summary:
    'RabbitMQ (AMQP 0-9-1): a round trip through a queue, queues (ready, consumers, unacknowledged), resource alarms, connections, the guest login',
  schema,
  metrics: {
    ...BUS_METRICS,
    queues_without_consumers: { unit: 'count', aggregate: 'sum', label: 'queues without consumers' },
    connections: { unit: 'count', aggregate: 'sum', label: 'connections', column: 'clients' },
    alarm: { unit: 'count', aggregate: 'max', label: 'resource alarm (publishers blocked)', flag: true },
    // 1 when the broker refuses the default guest/guest login.
    auth_required: { unit: 'count', aggregate: 'min', label: 'guest login refused', flag: true, evidence: CREDENTIALS_REQUIRED },
    ...CERTIFICATE_METRICS,
  },
  // As the rabbitmq_prometheus plugin exports them (port 15692), aggregated per broker.
  promql: (_t, metric) =>
    ({
      stream_lag: 'max(rabbitmq_queue_messages_ready{job="$target"})',
      stream_pending: 'max(rabbitmq_queue_messages_unacked{job="$target"})',
      subscribers: 'min(rabbitmq_queue_consumers{job="$target"})',
      connections: 'sum(rabbitmq_connections{job="$target"})',
      alarm:
        'max(rabbitmq_alarms_memory_used_watermark{job="$target"}) + max(rabbitmq_alarms_free_disk_space_watermark{job="$target"}) > bool 0',
    })[metric],
  run,
});
