import type { Criterion } from '../criteria/compile.js';
import type { TargetBase } from '../fields/target.js';
import type { FormatName } from '../reports/formats.js';
import type { GeneratorLimits } from '../load/measure.js';
import type { ScenarioBase } from '../scenarios/types.js';
import type { FaultConfig } from '../faults/experiment.js';

/** A validated config: everything downstream reads this, never the YAML. */
export interface Config {
  /** Where it came from: a file path, or a description of the ad-hoc command line. */
  source: string;
  platform: string;
  defaults: { timeout: number; concurrency: number };
  phases: { name: string; description?: string }[];
  targets: TargetBase[];
  scenarios: ScenarioBase[];
  faults: FaultConfig[];
  /** How often probes repeat during scenarios and faults, for uptime. */
  monitorIntervalMs: number;
  generator: GeneratorLimits;
  /** A scenario with an INVALID result is measured again, at most this many times (--retries). */
  retries: number;
  criteria: Criterion[];
  outputs: { format: FormatName; path: string }[];
}

/** Used when a config declares no phases. */
export const DEFAULT_PHASE = 'checks';
