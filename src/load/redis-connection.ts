import { explainRedis, quietPasswordNotice } from '../protocols/redis.js';
import { endpointOf } from '../protocols/network-errors.js';
import type { ConnectionFactory } from './types.js';
import { commonJs } from '../common-js.js';

/** Load on a Redis instance: each connection an ioredis client sending one command at a time. */
export async function redisFactory(url: string, command: string[], timeoutMs: number): Promise<ConnectionFactory> {
  const { Redis } = commonJs(await import('ioredis'));
  quietPasswordNotice();
  const [name, ...args] = command;
  const at = endpointOf(url, 6379);
  return {
    ok: () => true,
    explain: (err) => explainRedis(err, at),
    open() {
      const client = new Redis(url, {
        lazyConnect: false,
        connectTimeout: timeoutMs,
        commandTimeout: timeoutMs,
        maxRetriesPerRequest: 0,
        enableReadyCheck: false,
        connectionName: 'validate-load',
      });
      client.on('error', () => undefined); // each failed command reports its own error
      return {
        send(done) {
          client.call(name, ...args).then(
            () => done(null, 0),
            (err: Error) => done(err, 0),
          );
        },
        close() {
          client.disconnect();
        },
      };
    },
  };
}
