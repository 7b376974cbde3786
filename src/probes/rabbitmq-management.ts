import { managementCall, ManagementError } from '../protocols/rabbitmq-api.js';
import type { ProbeContext, ProbeOutcome } from './types.js';

/**
 * What only RabbitMQ's management API tells (rabbitmq-plugins enable rabbitmq_management): unacknowledged
 * messages per queue, the broker's connections, its resource alarms by node, every queue of the vhost.
 * Its figures are the broker's statistics, refreshed every collect_statistics_interval (5 s by default):
 * what the AMQP side reads (ready messages, consumers) is read live there instead.
 */
export interface ManagementReading {
  version?: string;
  connections?: number;
  /** Each alarm in effect, as "memory on rabbit@host". */
  alarms?: string[];
  /** Unacknowledged messages of each named queue. */
  unacked: Map<string, number>;
  /** Every queue of the vhost without a consumer, when no queues were named. */
  idleQueues?: string[];
  queueCount?: number;
}

interface NodeInfo {
  name?: string;
  mem_alarm?: boolean;
  disk_free_alarm?: boolean;
}
interface QueueInfo {
  name?: string;
  consumers?: number;
  messages_unacknowledged?: number;
}

export async function readManagement(base: URL, vhost: string, queues: string[], ctx: ProbeContext): Promise<ManagementReading> {
  const get = (path: string) => getJson(base, path, ctx);
  const overview = (await get('api/overview')) as { rabbitmq_version?: unknown; object_totals?: { connections?: unknown } };
  if (typeof overview?.rabbitmq_version !== 'string')
    throw new ManagementError('not the RabbitMQ management API (no rabbitmq_version in /api/overview)');
  const nodes = (await get('api/nodes')) as NodeInfo[];
  const out: ManagementReading = { version: overview.rabbitmq_version, unacked: new Map() };
  if (typeof overview.object_totals?.connections === 'number') out.connections = overview.object_totals.connections;
  if (Array.isArray(nodes))
    out.alarms = nodes.flatMap((n) => [
      ...(n.mem_alarm ? [`memory on ${n.name}`] : []),
      ...(n.disk_free_alarm ? [`disk on ${n.name}`] : []),
    ]);
  const v = encodeURIComponent(vhost);
  if (queues.length) {
    for (const q of queues) {
      const info = (await get(`api/queues/${v}/${encodeURIComponent(q)}`).catch((err: unknown) => {
        if (err instanceof ManagementError && /HTTP 404/.test(err.message)) return undefined; // the AMQP side says it is missing
        throw err;
      })) as QueueInfo | undefined;
      if (typeof info?.messages_unacknowledged === 'number') out.unacked.set(q, info.messages_unacknowledged);
    }
  } else {
    const all = (await get(`api/queues/${v}?columns=name,consumers`)) as QueueInfo[];
    if (!Array.isArray(all)) throw new ManagementError('not the RabbitMQ management API (/api/queues is not a list)');
    out.queueCount = all.length;
    out.idleQueues = all.filter((q) => q.consumers === 0 && typeof q.name === 'string').map((q) => q.name!);
  }
  return out;
}

function getJson(base: URL, path: string, ctx: ProbeContext): Promise<unknown> {
  ctx.stage(`${path} of the management API`);
  return managementCall(base, path, ctx);
}

/** Metrics only the management API measures, and why each is unmeasured without it. */
export const MANAGEMENT_ONLY = ['stream_pending', 'connections'];

export function withoutManagement(out: ProbeOutcome, why: string): void {
  for (const m of MANAGEMENT_ONLY) (out.unmeasured ??= {})[m] = why;
}
