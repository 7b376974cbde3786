import { z } from 'zod';
import { targetBase } from '../fields/fields.js';
import { bodyChecker } from '../protocols/http/expect.js';
import { classifyError } from '../protocols/network-errors.js';
import { exchange, openWebSocket, pingPong, WebSocketError, wsEndpoint } from '../protocols/websocket.js';
import type { Measurement } from '../results/measurement.js';
import { CERTIFICATE_METRICS, certificateField, readTlsPosture } from './tls-posture.js';
import { defineProbe, type ProbeContext, type ProbeOutcome } from './types.js';
import { median } from '../util/median.js';

const schema = z.strictObject({
  kind: z.literal('websocket'),
  ...targetBase(['ws', 'wss']),
  headers: z.record(z.string(), z.string()).default({}).meta({ description: 'Sent with the upgrade request (e.g. Authorization)' }),
  pings: z.number().int().min(0).max(20).default(3).meta({ description: 'Ping/pong round trips to time (0: none)' }),
  send: z
    .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
    .optional()
    .meta({ description: 'A message to send once open (a mapping or list is sent as JSON); its first reply is checked' }),
  expect: z
    .strictObject({
      body: z.array(z.string()).default([]).meta({ description: 'Assertions on the JSON reply, e.g. "type == subscribed"' }),
      contains: z.string().optional(),
    })
    .default({ body: [] }),
  tlsVerify: z.boolean().default(true),
  certificate: certificateField,
});
export type WebSocketTarget = z.output<typeof schema>;

async function run(target: WebSocketTarget, ctx: ProbeContext): Promise<ProbeOutcome> {
  const at = wsEndpoint(target.url);
  const measurements: Measurement[] = [];
  const failed = (err: unknown): ProbeOutcome => ({
    status: 'fail',
    latencyMs: null,
    error: err instanceof WebSocketError ? err.message : classifyError(err, at),
    details: {},
    measurements,
  });
  const started = performance.now();
  // Its own waits end before the probe's deadline, so a missing pong is named as such, not as a timeout.
  const remaining = () => Math.round(Math.max(50, ctx.timeoutMs - (performance.now() - started) - 100));
  ctx.stage('waiting for the WebSocket upgrade');
  let opened;
  try {
    opened = await openWebSocket(target.url, {
      headers: target.headers,
      tlsVerify: target.tlsVerify,
      timeoutMs: ctx.timeoutMs,
      signal: ctx.signal,
    });
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return failed(err);
  }
  const { ws, openMs } = opened;
  measurements.push({ metric: 'open_ms', value: openMs, unit: 'ms' });
  try {
    const pings: number[] = [];
    for (let i = 0; i < (ctx.liveness ? Math.min(1, target.pings) : target.pings); i++) {
      ctx.stage(`waiting for pong ${i + 1} of ${target.pings}`);
      pings.push(await pingPong(ws, remaining()));
    }
    if (pings.length) measurements.push({ metric: 'ping_ms', value: median(pings), unit: 'ms' });
    const problems: string[] = [];
    if (target.send !== undefined && !ctx.liveness) {
      ctx.stage('waiting for the reply to the message sent');
      const { reply, ms } = await exchange(ws, typeof target.send === 'string' ? target.send : JSON.stringify(target.send), remaining());
      measurements.push({ metric: 'reply_ms', value: ms, unit: 'ms' });
      problems.push(...(bodyChecker(target.expect)?.(Buffer.from(reply), false) ?? []));
    }
    const latencyMs = pings.length ? median(pings) : openMs;
    if (problems.length) return { status: 'fail', latencyMs, error: `the reply: ${problems.join('; ')}`, details: {}, measurements };
    const out: ProbeOutcome = { status: 'pass', latencyMs, details: {}, measurements };
    if (!ctx.liveness && !ctx.repeat) await tlsOf(target, ctx, remaining(), out);
    return out;
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return failed(err);
  } finally {
    ws.terminate();
  }
}

/** A wss: endpoint's certificate and TLS posture; a ws: one says it has none. */
async function tlsOf(target: WebSocketTarget, ctx: ProbeContext, budgetMs: number, out: ProbeOutcome): Promise<void> {
  if (!target.url.startsWith('wss:')) {
    out.measurements.push({ metric: 'tls_enabled', value: 0, unit: 'count' });
    return;
  }
  ctx.stage('reading the TLS certificate');
  await readTlsPosture(target.url, 'direct', { defaultPort: 443, bounds: target.certificate, budgetMs: Math.min(1000, budgetMs) }, out);
}

export const websocketProbe = defineProbe<WebSocketTarget>({
  kind: 'websocket',
  aliases: ['websockets', 'ws'],
  schemes: ['ws', 'wss'],
  ports: { ws: 80, wss: 443 },
  section: { title: 'WebSocket endpoints', order: 3 },
  summary: 'A WebSocket endpoint: the upgrade, ping/pong round trips, and a message with assertions on its reply',
  schema,
  metrics: {
    open_ms: { unit: 'ms', aggregate: 'max', label: 'open', headline: true },
    ping_ms: { unit: 'ms', aggregate: 'max', label: 'ping', headline: true },
    reply_ms: { unit: 'ms', aggregate: 'max', label: 'reply' },
    ...CERTIFICATE_METRICS,
  },
  run,
});
