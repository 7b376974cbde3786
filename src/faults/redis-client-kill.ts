import type { Redis } from 'ioredis';
import { z } from 'zod';
import { name } from '../fields/fields.js';
import { redactUrl } from '../util/redact.js';
import { defineFault } from './types.js';
import { connectRedis } from '../protocols/redis.js';
import { tlsVerifyOf } from '../fields/target.js';

const CLIENT_TYPES = ['normal', 'pubsub'] as const;

const schema = z.strictObject({
  type: z.literal('redis-client-kill'),
  target: name.meta({ description: 'The Redis target (bus) whose clients are disconnected' }),
  types: z
    .array(z.enum(CLIENT_TYPES))
    .min(1)
    .default(['normal', 'pubsub'])
    .meta({ description: 'Which clients: normal (commands) and pubsub (subscribers); replicas never' }),
  clientName: z
    .string()
    .optional()
    .meta({ description: 'Only clients with this CLIENT SETNAME name; a trailing * matches a prefix (demo-*)' }),
  user: z.string().optional().meta({ description: 'Only clients authenticated as this ACL user' }),
  addr: z.string().optional().meta({ description: 'Only the client at this ip:port' }),
  includeProbes: z.boolean().default(false).meta({ description: "Also cut validate's own probe connections (named validate-probe)" }),
});
export type RedisClientKillFault = z.output<typeof schema>;

const WITNESS = 'validate-fault-witness';

interface Client {
  id: string;
  name: string;
  user: string;
  addr: string;
  type: (typeof CLIENT_TYPES)[number];
}

/**
 * A bus connection interruption: every client of the chosen types (commands and subscribers, by
 * default) is disconnected, or those matching the filters; replicas never, and validate's own probe
 * connections only when asked. A witness connection of the tool's own is cut too, and the time it
 * takes to work again is reported.
 */
export const redisClientKillFault = defineFault<RedisClientKillFault>({
  type: 'redis-client-kill',
  summary: 'Disconnect the clients of a Redis instance (CLIENT KILL): commands and subscribers',
  schema,
  references: (f) => [{ name: f.target, kinds: ['redis'] }],
  describe: (f, targets) =>
    `disconnect ${filterText(f)} of Redis "${f.target}" (${redactUrl(targets.get(f.target)?.url ?? '?')}) with CLIENT KILL`,
  async inject(f, ctx) {
    const target = ctx.targets.get(f.target)!;
    const o = { timeoutMs: target.timeout ?? ctx.timeoutMs, tlsVerify: tlsVerifyOf(target) };
    const both = await Promise.allSettled([
      connectRedis(target.url, { ...o, name: 'validate-fault' }),
      connectRedis(target.url, { ...o, name: WITNESS, reconnect: true }),
    ]);
    const refused = both.find((r) => r.status === 'rejected');
    if (refused) {
      for (const r of both) if (r.status === 'fulfilled') r.value.disconnect();
      throw refused.reason;
    }
    const [admin, witness] = both.map((r) => (r as PromiseFulfilledResult<Redis>).value);
    try {
      const me = String(await admin.client('ID'));
      const chosen = (await listClients(admin, f.types)).filter((c) => c.id !== me && matches(c, f));
      // One round trip for all: the clients are cut as close to the same instant as Redis allows.
      const pipeline = admin.pipeline();
      for (const c of chosen) pipeline.call('CLIENT', 'KILL', 'ID', c.id);
      const results = (await pipeline.exec()) ?? [];
      const killed = chosen.filter((_c, i) => !results[i]?.[0] && Number(results[i]?.[1]) === 1);
      const cut = performance.now();
      const witnessCut = killed.some((c) => c.name === WITNESS);
      const theirs = killed.filter((c) => c.name !== WITNESS);
      let witnessRecoveryMs: number | undefined;
      if (witnessCut) {
        for (let i = 0; i < 200 && !ctx.signal?.aborted; i++) {
          try {
            await witness.ping();
            witnessRecoveryMs = performance.now() - cut;
            break;
          } catch {
            await new Promise((r) => setTimeout(r, 5));
          }
        }
      }
      const byType = CLIENT_TYPES.map((t) => `${theirs.filter((c) => c.type === t).length} ${t === 'pubsub' ? 'pub/sub' : t}`).join(
        ' and ',
      );
      return {
        detail: `CLIENT KILL disconnected ${byType} client(s) of ${f.target}${witnessCut ? ", besides the tool's own witness" : ''}`,
        affected: theirs.length,
        witnessRecoveryMs,
      };
    } finally {
      admin.disconnect();
      witness.disconnect();
    }
  },
});

async function listClients(admin: Redis, types: readonly (typeof CLIENT_TYPES)[number][]): Promise<Client[]> {
  const out: Client[] = [];
  for (const type of types) {
    const text = String(await admin.call('CLIENT', 'LIST', 'TYPE', type));
    for (const line of text.split('\n').filter(Boolean)) {
      const f = Object.fromEntries(line.split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
      out.push({ id: f.id, name: f.name ?? '', user: f.user ?? '', addr: f.addr ?? '', type });
    }
  }
  return out;
}

function matches(c: Client, f: RedisClientKillFault): boolean {
  if (!f.includeProbes && c.name.startsWith('validate-probe')) return false;
  if (f.clientName !== undefined && !(f.clientName.endsWith('*') ? c.name.startsWith(f.clientName.slice(0, -1)) : c.name === f.clientName))
    return false;
  if (f.user !== undefined && c.user !== f.user) return false;
  if (f.addr !== undefined && c.addr !== f.addr) return false;
  return true;
}

function filterText(f: RedisClientKillFault): string {
  const parts = [f.clientName && `named ${f.clientName}`, f.user && `of user ${f.user}`, f.addr && `at ${f.addr}`].filter(Boolean);
  const which = f.types.map((t) => (t === 'pubsub' ? 'pub/sub' : t)).join(' and ');
  return parts.length ? `the ${which} clients ${parts.join(', ')}` : `all ${which} clients`;
}
