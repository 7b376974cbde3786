import { z } from 'zod';
import { name } from '../config/fields.js';
import { redactUrl } from '../util/redact.js';
import type { FaultType } from './types.js';

const schema = z.strictObject({
  type: z.literal('redis-client-kill'),
  target: name.meta({ description: 'The Redis target (bus) whose clients are disconnected' }),
  clientName: z.string().optional().meta({ description: 'Only clients with this CLIENT SETNAME name' }),
  user: z.string().optional().meta({ description: 'Only clients authenticated as this ACL user' }),
  addr: z.string().optional().meta({ description: 'Only the client at this ip:port' }),
});
export type RedisClientKillFault = z.output<typeof schema>;

const WITNESS = 'validate-fault-witness';

/**
 * A bus connection interruption: CLIENT KILL on every normal client (or those matching the filter).
 * A witness connection of the tool's own is cut too, and the time it takes to work again is reported.
 */
export const redisClientKillFault: FaultType<RedisClientKillFault> = {
  type: 'redis-client-kill',
  summary: 'Disconnect the clients of a Redis instance (CLIENT KILL)',
  schema,
  references: (f) => [{ name: f.target, kinds: ['redis'] }],
  describe: (f, targets) => `disconnect ${filterText(f)} of Redis "${f.target}" (${redactUrl(targets.get(f.target)?.url ?? '?')}) with CLIENT KILL`,
  async inject(f, ctx) {
    const { Redis } = await import('ioredis');
    const url = ctx.targets.get(f.target)!.url;
    const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectionName: 'validate-fault' });
    const witness = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => 10, connectionName: WITNESS });
    admin.on('error', () => undefined);
    witness.on('error', () => undefined);
    try {
      await Promise.all([admin.connect(), witness.connect()]);
      const args: string[] = f.clientName || f.user || f.addr ? [] : ['TYPE', 'normal'];
      if (f.user) args.push('USER', f.user);
      if (f.addr) args.push('ADDR', f.addr);
      let killed: number;
      if (f.clientName) {
        // CLIENT KILL has no name filter: find the ids of clients with that name, then kill each.
        const list = String(await admin.call('CLIENT', 'LIST', 'TYPE', 'normal'));
        const ids = list.split('\n').filter((l) => new RegExp(`(^| )name=${escape(f.clientName!)}( |$)`).test(l)).map((l) => /(?:^| )id=(\d+)/.exec(l)![1]);
        killed = 0;
        for (const id of ids) killed += Number(await admin.call('CLIENT', 'KILL', 'ID', id, ...args, 'SKIPME', 'yes'));
      } else {
        killed = Number(await admin.call('CLIENT', 'KILL', ...args, 'SKIPME', 'yes'));
      }
      const cut = performance.now();
      let witnessRecoveryMs: number | undefined;
      if (!f.clientName && !f.user && !f.addr) {
        // The witness was among the killed: time how long until it answers again.
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
      return { detail: `CLIENT KILL disconnected ${killed} client(s) of ${f.target}`, witnessRecoveryMs };
    } finally {
      admin.disconnect();
      witness.disconnect();
    }
  },
};

function filterText(f: RedisClientKillFault): string {
  const parts = [f.clientName && `named ${f.clientName}`, f.user && `of user ${f.user}`, f.addr && `at ${f.addr}`].filter(Boolean);
  return parts.length ? `the clients ${parts.join(', ')}` : 'all normal clients';
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
