import { z } from 'zod';
import { duration, name, urlWithSchemes } from '../fields/fields.js';
import type { TargetBase } from '../fields/target.js';
import { bodyChecker } from '../protocols/http/expect.js';
import { measure } from '../load/measure.js';
import { Schedule } from '../load/schedule.js';
import { websocketPool } from '../load/websocket-pool.js';
import { shareOf } from '../load/shard.js';
import type { Measurement, MetricSpec } from '../results/measurement.js';
import type { Sessions } from '../results/scenario-result.js';
import { redactUrl } from '../util/redact.js';
import { oneOfTargetOrUrl, scenarioBase, TARGET_OR_URL } from './fields.js';
import { defineScenario } from './types.js';
import { mergeWebsocketExtras } from './websocket-merge.js';

const schema = z
  .strictObject({
    kind: z.literal('websocket'),
    ...scenarioBase,
    target: name.optional().meta({ description: 'A websocket target' }),
    url: urlWithSchemes(['ws', 'wss']).optional(),
    connections: z.number().int().min(1).max(50_000).meta({ description: 'Clients connected and held for the run' }),
    connectRate: z.number().positive().default(100).meta({ description: 'Connections opened per second' }),
    duration,
    messageRate: z.number().positive().meta({ description: 'Messages per second across all connections, on a fixed schedule' }),
    message: z
      .union([z.string(), z.record(z.string(), z.unknown())])
      .optional()
      .meta({
        description: 'Each message (a mapping is sent as JSON); the next frame received is its reply. Default: a ping, the pong its reply',
      }),
    expect: z.strictObject({ body: z.array(z.string()).default([]), contains: z.string().optional() }).default({ body: [] }),
    headers: z.record(z.string(), z.string()).default({}),
  })
  .refine(oneOfTargetOrUrl, TARGET_OR_URL);
export type WebSocketScenario = z.output<typeof schema>;

const SESSION_METRICS: Record<string, MetricSpec> = {
  connections_opened: { unit: 'count', aggregate: 'min', label: 'connections opened' },
  connections_failed: { unit: 'count', aggregate: 'sum', label: 'connections failed' },
  disconnects: { unit: 'count', aggregate: 'sum', label: 'disconnects while held' },
  open_p99_ms: { unit: 'ms', aggregate: 'max', label: 'open p99', performance: true },
};

function sessionMeasurements(c: Sessions): Measurement[] {
  const values: Record<string, number> = {
    connections_opened: c.opened,
    connections_failed: c.failed,
    disconnects: c.disconnects,
    open_p99_ms: c.openP99Ms,
  };
  return Object.entries(values).map(([metric, value]) => ({ metric, value, unit: SESSION_METRICS[metric].unit }));
}

/**
 * WebSocket clients held open: connections opened at a rate and kept for the run, messages on a fixed
 * schedule across them with each reply's latency from its due time; failed opens, disconnects while
 * held, and replies that fail their assertions are counted.
 */
export const websocketScenario = defineScenario<WebSocketScenario>({
  kind: 'websocket',
  section: { title: 'WebSocket clients', order: 17 },
  summary: 'Connections opened at a rate and held; messages at a rate with reply latency from the due time; failed opens and disconnects',
  schema,
  results: (s) => [s.name],
  references: (s) => (s.target ? [{ name: s.target, path: ['target'], kinds: ['websocket'] }] : []),
  resultMetrics: (s) => ({ [s.name]: SESSION_METRICS }),
  mergeExtras: mergeWebsocketExtras,
  remeasure: (results) => results.map((r) => (r.sessions ? sessionMeasurements(r.sessions) : [])),
  check: (s) =>
    s.connections / s.connectRate > s.duration / 1000
      ? [
          {
            path: ['connectRate'],
            message: `${s.connections} connections at ${s.connectRate}/s take ${(s.connections / s.connectRate).toFixed(1)} s to open, longer than the duration (${s.duration / 1000} s); raise connectRate or the duration`,
          },
        ]
      : [],
  async run(s, ctx) {
    const t = s.target ? (ctx.targets.get(s.target) as TargetBase & { headers?: Record<string, string>; tlsVerify?: boolean }) : undefined;
    const url = t?.url ?? s.url!;
    const check = bodyChecker(s.expect);
    // A shard holds its share of the clients (at least one: a shard sends on something).
    const connections = Math.max(1, shareOf(s.connections, ctx.load.shard));
    const pool = websocketPool({
      url,
      headers: { ...t?.headers, ...s.headers },
      tlsVerify: t?.tlsVerify ?? true,
      connections,
      connectRate: Math.max(1, shareOf(Math.round(s.connectRate), ctx.load.shard)),
      timeoutMs: s.timeout,
      message: s.message === undefined ? undefined : typeof s.message === 'string' ? s.message : JSON.stringify(s.message),
      checkReply: check && ((reply) => check(Buffer.from(reply), false)),
      signal: ctx.signal,
    });
    try {
      const result = await measure({
        name: s.name,
        kind: 'websocket',
        scenario: s.name,
        target: `${connections} clients of ${redactUrl(url)}, ${s.message === undefined ? 'pings' : 'messages'}`,
        url,
        factory: pool.factory,
        model: {
          type: 'open',
          schedule: new Schedule([{ from: s.messageRate, to: s.messageRate, durationMs: s.duration }]),
          maxConnections: connections,
          lateAfterMs: 5,
          // A message may wait its timeout for a client, then its timeout for the reply: both fit in the drain.
          drainMs: 2 * s.timeout + 100,
          clientQueueTimeoutMs: s.timeout,
        },
        ...ctx.load,
        successPct: s.success,
      });
      await pool.opening;
      const c = pool.counts();
      result.sessions = c;
      result.measurements.push(...sessionMeasurements(c));
      if (c.failed || c.disconnects) result.status = result.status === 'pass' ? 'warn' : result.status;
      return [result];
    } finally {
      pool.close();
    }
  },
});
