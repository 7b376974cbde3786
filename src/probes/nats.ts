import { randomBytes } from 'node:crypto';
import type { NatsConnection } from 'nats';
import { z } from 'zod';
import { targetBase, urlWithSchemes } from '../fields/fields.js';
import { fetchCapped, jsonOf } from '../protocols/http/fetch.js';
import { classifyError, endpointOf } from '../protocols/network-errors.js';
import { connectNats, explainNats, NATS_PORT } from '../protocols/nats.js';
import type { Measurement } from '../results/measurement.js';
import { median } from '../util/median.js';
import { BUS_METRICS } from './bus-metrics.js';
import { CERTIFICATE_METRICS, certificateField, readTlsPosture } from './tls-posture.js';
import { addRoundTrip, busRoundTrip } from './bus-round-trip.js';
import { defineProbe, type ProbeContext, type ProbeOutcome } from './types.js';
import { CREDENTIALS_REQUIRED, PLAINTEXT_REFUSED } from './shared-evidence.js';

/**
 * A NATS server as a message bus, in the bus vocabulary the Redis buses use: PING round trips, a core
 * pub/sub round trip (published on one connection, received on another), and JetStream consumers'
 * backlog: stream_lag (messages not yet delivered to the consumer) and stream_pending (delivered, not
 * yet acknowledged), labelled {stream, consumer}.
 */
const schema = z.strictObject({
  kind: z.literal('nats'),
  ...targetBase(['nats']),
  certificate: certificateField,
  tlsVerify: z.boolean().default(true).meta({ description: "Check the server's certificate when it speaks TLS" }),
  samples: z.number().int().min(1).max(100).default(5).meta({ description: 'PING round trips and pub/sub messages to sample' }),
  consumers: z
    .array(z.strictObject({ stream: z.string().min(1), consumer: z.string().min(1) }))
    .default([])
    .meta({ description: 'JetStream consumers whose backlog is read: stream_lag{stream,consumer}, stream_pending{stream,consumer}' }),
  monitor: urlWithSchemes(['http', 'https'])
    .optional()
    .meta({ description: "The server's monitoring endpoint (nats-server -m 8222): what subscribers are counted from" }),
  subjects: z.array(z.string().min(1)).default([]).meta({
    description: 'Subjects that must have subscribers (wildcard and queue subscriptions count): subscribers{subject="..."}; needs monitor',
  }),
});
export type NatsTarget = z.output<typeof schema>;

async function run(target: NatsTarget, ctx: ProbeContext): Promise<ProbeOutcome> {
  const at = endpointOf(target.url, NATS_PORT);
  const t0 = performance.now();
  const opened: NatsConnection[] = [];
  const open = async (name: string) => {
    const c = await connectNats(target.url, {
      timeoutMs: ctx.timeoutMs,
      name,
      reconnect: false,
      tlsVerify: target.tlsVerify,
      stage: ctx.stage,
    });
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
    const out: ProbeOutcome = {
      status: 'pass',
      latencyMs: ping,
      details: {},
      measurements: [{ metric: 'ping_ms', value: ping, unit: 'ms' }],
    };
    if (ctx.liveness) return out;
    await serverFacts(target, ctx, nc, out, Math.max(100, Math.min(1000, ctx.timeoutMs - (performance.now() - t0))));
    ctx.stage(`waiting for ${target.samples} pub/sub round trip(s)`);
    // Lost messages are waited for with half of what is left, so the readings after it still fit in the timeout.
    const budgetMs = Math.max(50, (ctx.timeoutMs - (performance.now() - t0)) / 2);
    await roundTrip(nc, await open('validate-probe-subscriber'), target.samples, budgetMs, out);
    if (target.subjects.length) {
      ctx.stage(`reading subscriptions from ${target.monitor}`);
      await subscribers(target.monitor!, target.subjects, ctx, out);
    }
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

/** What the server's INFO says (version, name, JetStream, who it lets in) and its TLS posture. */
async function serverFacts(target: NatsTarget, ctx: ProbeContext, nc: NatsConnection, out: ProbeOutcome, tlsBudgetMs: number) {
  const info = nc.info!;
  // An unnamed server's name is its 56-character ID: not worth a line.
  out.details = {
    version: info.version,
    ...(info.server_name !== info.server_id && { server: info.server_name }),
    jetstream: Boolean(info.jetstream),
  };
  // The server's INFO says who it lets in: every client it greets reads the same.
  out.measurements.push(
    { metric: 'auth_required', value: info.auth_required ? 1 : 0, unit: 'count' },
    { metric: 'tls_required', value: info.tls_required ? 1 : 0, unit: 'count' },
  );
  // A repeat under load does not handshake again: the first probe read the certificate.
  if (ctx.repeat) return;
  if (info.tls_required || (info as { tls_available?: boolean }).tls_available)
    await readTlsPosture(target.url, 'nats', { defaultPort: NATS_PORT, bounds: target.certificate, budgetMs: tlsBudgetMs }, out);
  else out.measurements.push({ metric: 'tls_enabled', value: 0, unit: 'count' });
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
  addRoundTrip(out, r);
}

/**
 * Subscribers of each subject as the server counts them on its monitoring endpoint (`/subsz?subs=1&test=`:
 * every subscription a message on that subject would reach, wildcards and queue groups included). The
 * client protocol has no way to ask; a server without monitoring leaves them unmeasured.
 */
async function subscribers(monitor: string, subjects: string[], ctx: ProbeContext, out: ProbeOutcome): Promise<void> {
  const counts: { subject: string; n: number }[] = [];
  for (const subject of subjects) {
    const url = new URL('subsz', monitor.endsWith('/') ? monitor : `${monitor}/`);
    // The server lists the matching subscriptions (`total` counts the list, which `limit` caps: 1,024 by default).
    url.search = new URLSearchParams({ subs: '1', test: subject, limit: String(MAX_COUNTED) }).toString();
    try {
      const res = await fetchCapped({
        url: url.href,
        method: 'GET',
        headers: {},
        maxBodyBytes: 8 * 1024 * 1024,
        timeoutMs: ctx.timeoutMs,
        tlsVerify: true,
        signal: ctx.signal,
        stage: (st) => ctx.stage(`${url.pathname} of ${monitor}: ${st}`),
      });
      if (res.status !== 200)
        throw new MonitorError(`HTTP ${res.status} from ${url.pathname}: not the NATS monitoring endpoint (the port nats-server -m gives)`);
      if (res.truncated) throw new MonitorError('the answer is over 8 MiB: not the NATS monitoring endpoint');
      const body = jsonOf(res.body) as { total?: unknown; num_subscriptions?: unknown } | undefined;
      if (typeof body?.num_subscriptions !== 'number')
        throw new MonitorError('not the NATS monitoring endpoint (no num_subscriptions in /subsz)');
      counts.push({ subject, n: typeof body.total === 'number' ? body.total : 0 });
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      const why = `subscribers from ${monitor}: ${err instanceof MonitorError ? err.message : classifyError(err, endpointOf(monitor, 80))}`;
      (out.warnings ??= []).push(why);
      (out.unmeasured ??= {}).subscribers = why;
      return;
    }
  }
  for (const { subject, n } of counts) out.measurements.push({ metric: 'subscribers', value: n, unit: 'count', labels: { subject } });
  out.measurements.push({ metric: 'subscribers', value: Math.min(...counts.map((c) => c.n)), unit: 'count' });
  const none = counts.filter((c) => c.n === 0).map((c) => c.subject);
  if (none.length) (out.warnings ??= []).push(`no subscriber on ${none.join(', ')}`);
  out.labelValues = { ...out.labelValues, subscribers: { subject: subjects } };
}

/** Subscribers are counted up to this many per subject. */
const MAX_COUNTED = 10_000;

class MonitorError extends Error {}

/** JetStream consumers' backlog from the server's consumer info; without a selector, the worst consumer. */
async function consumers(nc: NatsConnection, wanted: NatsTarget['consumers'], out: ProbeOutcome): Promise<void> {
  const jsm = await nc.jetstreamManager();
  const found: Measurement[] = [];
  for (const { stream, consumer } of wanted) {
    try {
      const ci = await jsm.consumers.info(stream, consumer);
      const labels = { stream, consumer };
      found.push(
        { metric: 'stream_lag', value: ci.num_pending, unit: 'count', labels },
        { metric: 'stream_pending', value: ci.num_ack_pending, unit: 'count', labels },
      );
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
  out.labelValues = { ...out.labelValues, stream_lag: labels, stream_pending: labels };
}

export const natsProbe = defineProbe<NatsTarget>({
  kind: 'nats',
  aliases: [],
  schemes: ['nats'],
  ports: { nats: NATS_PORT },
  summary:
    'NATS: PING round trips, a core pub/sub round trip, subscribers by subject (from the monitoring endpoint), JetStream consumers (not yet delivered, not yet acknowledged)',
  schema,
  metrics: {
    ping_ms: { unit: 'ms', aggregate: 'max', label: 'PING', headline: true },
    // From the server's INFO: 1 when it refuses clients without credentials, or in the clear.
    auth_required: {
      unit: 'count',
      aggregate: 'min',
      label: 'credentials required',
      flag: true,
      evidence: CREDENTIALS_REQUIRED,
    },
    tls_required: {
      unit: 'count',
      aggregate: 'min',
      label: 'plaintext refused',
      flag: true,
      evidence: PLAINTEXT_REFUSED,
    },
    ...CERTIFICATE_METRICS,
    ...BUS_METRICS,
  },
  check: (t) =>
    t.subjects.length && !t.monitor
      ? [
          {
            path: ['subjects'],
            message: "subscribers are counted on the server's monitoring endpoint: give monitor: http://host:8222 (nats-server -m 8222)",
          },
        ]
      : [],
  run,
});
