import { z } from 'zod';
import { postgresFactory } from '../load/postgres-connection.js';
import { redactUrl } from '../util/redact.js';
import type { OperationProtocol } from './operation-protocol.js';
import { sqlChanges } from './changes-data.js';

/** A SQL query, each connection a client running it one at a time. */
export const postgresOperation: OperationProtocol = {
  targetKinds: ['postgres'],
  what: 'PostgreSQL target',
  fields: { query: z.string().optional().meta({ description: 'PostgreSQL: the SQL to run' }) },
  required: { field: 'query', example: 'query: "SELECT 1"' },
  changesData: (op) => sqlChanges(op.query as string | undefined),
  async open(op, target, timeoutMs) {
    return {
      factory: await postgresFactory(target.url, op.query as string, timeoutMs),
      url: target.url,
      describe: `SQL on ${redactUrl(target.url)}`,
    };
  },
};
