import { postgresTerminateFault } from './postgres-terminate.js';
import { redisClientKillFault } from './redis-client-kill.js';
import { restartFault } from './restart.js';
import { httpCallFault } from './http-call.js';
import { rabbitmqCloseFault } from './rabbitmq-close-connections.js';
import type { FaultType } from './types.js';

/** Every fault type by its key: a new one is one file and one line here. */
export const FAULTS: FaultType[] = [restartFault, httpCallFault, redisClientKillFault, postgresTerminateFault, rabbitmqCloseFault];

export function faultType(type: string): FaultType {
  const found = FAULTS.find((f) => f.type === type);
  if (!found) throw new Error(`unknown fault type "${type}"`);
  return found;
}
