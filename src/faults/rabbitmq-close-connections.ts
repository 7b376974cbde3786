import { z } from 'zod';
import { name } from '../fields/fields.js';
import { managementBase, managementCall, type ManagementCall } from '../protocols/rabbitmq-api.js';
import { redactUrl } from '../util/redact.js';
import { defineFault } from './types.js';

const schema = z.strictObject({
  type: z.literal('rabbitmq-close-connections'),
  target: name.meta({ description: 'The rabbitmq target (with management:) whose client connections the broker closes' }),
  queue: z.string().min(1).optional().meta({ description: "Only the connections of this queue's consumers" }),
  clientName: z
    .string()
    .optional()
    .meta({ description: 'Only connections with this connection name; a trailing * matches a prefix (orders-*)' }),
  includeProbes: z.boolean().default(false).meta({ description: "Also close validate's own probe connections (named validate-probe)" }),
});
export type RabbitmqCloseFault = z.output<typeof schema>;

interface Conn {
  name: string;
  clientName: string;
}

/**
 * A bus interruption on RabbitMQ: the broker closes client connections (its management API's DELETE
 * /api/connections/NAME, what an operator's "force close" does): all of them, those consuming a queue,
 * or those of a name. The broker lists connections from its statistics, which lag by up to its
 * collect_statistics_interval (5 s by default): a connection opened just before may not be listed yet,
 * so a fault is best injected some seconds into its scenario. (No witness connection of the tool's own,
 * as redis-client-kill has: one opened at the injection is never listed in time to be closed.)
 */
export const rabbitmqCloseFault = defineFault<RabbitmqCloseFault>({
  type: 'rabbitmq-close-connections',
  summary: "Have the broker close a RabbitMQ's client connections (all, a queue's consumers, or by name), from its management API",
  schema,
  references: (f) => [{ name: f.target, kinds: ['rabbitmq'] }],
  describe: (f, targets) =>
    `close ${f.queue ? `the connections consuming ${f.queue}` : f.clientName ? `the connections named ${f.clientName}` : 'every client connection'} of RabbitMQ "${f.target}" (${redactUrl(targets.get(f.target)?.url ?? '?')}) from its management API`,
  async inject(f, ctx) {
    const target = ctx.targets.get(f.target)!;
    const management = (target as { management?: string }).management;
    if (!management)
      throw new Error(
        `the rabbitmq target "${f.target}" has no management: URL; the broker closes connections only from its management API`,
      );
    const timeoutMs = target.timeout ?? ctx.timeoutMs;
    const call: ManagementCall = { timeoutMs, signal: ctx.signal ?? new AbortController().signal, stage: () => undefined };
    const base = managementBase(management, target.url);
    const vhost = decodeURIComponent(new URL(target.url).pathname.slice(1)) || '/';
    const chosen = (await chooseConnections(base, vhost, f, call)).filter(
      (c) => f.includeProbes || !c.clientName.startsWith('validate-probe'),
    );
    const headers = { 'x-reason': 'validate: fault experiment' };
    await Promise.all(
      chosen.map((c) => managementCall(base, `api/connections/${encodeURIComponent(c.name)}`, { ...call, method: 'DELETE', headers })),
    );
    // Its listing is the broker's statistics: what connected in the last few seconds may not be in it yet.
    const none = chosen.length
      ? ''
      : ' (none listed matched: the broker lists connections up to collect_statistics_interval, 5 s, late; inject later)';
    return { detail: `the broker closed ${chosen.length} connection(s) of ${f.target}${none}`, affected: chosen.length };
  },
});

async function chooseConnections(base: URL, vhost: string, f: RabbitmqCloseFault, call: ManagementCall): Promise<Conn[]> {
  const listed = (await managementCall(base, 'api/connections', call)) as {
    name?: string;
    client_properties?: { connection_name?: string };
  }[];
  const all = (Array.isArray(listed) ? listed : [])
    .filter((c) => typeof c.name === 'string')
    .map((c) => ({ name: c.name!, clientName: c.client_properties?.connection_name ?? '' }));
  let chosen = all;
  if (f.queue) {
    const q = (await managementCall(base, `api/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(f.queue)}`, call)) as {
      consumer_details?: { channel_details?: { connection_name?: string } }[];
    };
    const consuming = new Set((q.consumer_details ?? []).map((d) => d.channel_details?.connection_name));
    chosen = chosen.filter((c) => consuming.has(c.name));
  }
  if (f.clientName !== undefined) {
    const want = f.clientName;
    chosen = chosen.filter((c) => (want.endsWith('*') ? c.clientName.startsWith(want.slice(0, -1)) : c.clientName === want));
  }
  return chosen;
}
