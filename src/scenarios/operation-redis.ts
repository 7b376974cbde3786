import { z } from 'zod';
import { redisFactory } from '../load/redis-connection.js';
import { redactUrl } from '../util/redact.js';
import type { OperationProtocol } from './operation-protocol.js';
import { redisChanges } from './changes-data.js';

/** A Redis command, each connection a client sending it one at a time. */
export const redisOperation: OperationProtocol = {
  targetKinds: ['redis'],
  what: 'Redis target',
  fields: { command: z.array(z.string()).min(1).optional().meta({ description: 'Redis: the command, e.g. [GET, orders:last]' }) },
  required: { field: 'command', example: 'command: [GET, "orders:last"]' },
  changesData: (op) => redisChanges(op.command as string[] | undefined),
  async open(op, target, timeoutMs) {
    const command = op.command as string[];
    return {
      factory: await redisFactory(target.url, command, timeoutMs),
      url: target.url,
      describe: `${command[0]} on ${redactUrl(target.url)}`,
    };
  },
};
