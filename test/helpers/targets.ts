import { probeKind } from '../../src/probes/registry.js';
import type { TargetBase } from '../../src/fields/target.js';

/** A target as the config would give it, defaults applied by the kind's own schema. */
export function target(kind: string, fields: Record<string, unknown>): TargetBase {
  return probeKind(kind).schema.parse({ kind, name: 't', ...fields });
}
