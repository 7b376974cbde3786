import { createHash } from 'node:crypto';
import type { Config } from './config.js';

/**
 * What makes two runs the same load: the targets, the scenarios, the fault experiments and the
 * generator's limits (not the criteria, which `validate merge --config` may change, nor the outputs).
 * Shards of one run carry the same hash; a merge refuses reports whose hashes differ.
 */
export function configHash(config: Config): string {
  const shape = { targets: config.targets, scenarios: config.scenarios, faults: config.faults, generator: config.generator };
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 16);
}
