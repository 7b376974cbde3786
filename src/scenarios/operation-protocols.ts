import { httpOperation } from './operation-http.js';
import { postgresOperation } from './operation-postgres.js';
import { redisOperation } from './operation-redis.js';
import type { OperationProtocol } from './operation-protocol.js';

/** Every protocol an operation can speak, by the target kinds it loads: a new one is a file and a line here. */
export const OPERATION_PROTOCOLS: OperationProtocol[] = [httpOperation, redisOperation, postgresOperation];

export function protocolFor(kind: string | undefined): OperationProtocol | undefined {
  return OPERATION_PROTOCOLS.find((p) => kind !== undefined && p.targetKinds.includes(kind));
}
