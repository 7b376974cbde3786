import type { TargetBase } from '../fields/target.js';
import type { TrafficWindow } from '../load/bus-connection.js';
import type { GeneratorLimits, LiveNumbers } from '../load/measure.js';
import type { Shard } from '../load/shard.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import type { InfraSample } from '../results/window-result.js';
import type { ScenarioBase } from '../scenarios/types.js';

/**
 * The messages between the main thread and the load thread (load-thread.ts, load-worker.ts). Plain
 * data only: they cross by structured clone. Times cross as Unix milliseconds, since each thread's
 * performance.now() counts from its own start.
 */

/** What the load thread is started with: the targets scenarios load, and how the generator judges itself. */
export interface LoadJob {
  targets: TargetBase[];
  limits: GeneratorLimits;
  shard?: Shard;
  /** --chaos: scenarios that change the platform may run. */
  chaos?: boolean;
}

export type ToLoad =
  /** A thread started early (warmLoadThread) gets its job when the run knows it. */
  | { type: 'job'; job: LoadJob }
  | { type: 'run'; spec: ScenarioBase; startAtUnixMs?: number; sampling: boolean }
  | { type: 'abort' }
  | { type: 'infra'; id: number; samples: InfraSample[] }
  | { type: 'mark'; local: number; atUnixMs: number }
  | { type: 'close'; local: number; atUnixMs: number }
  | { type: 'read'; local: number };

export type FromLoad =
  | { type: 'start'; name: string; plannedMs?: number; plannedRequests?: number; live: LiveNumbers }
  | { type: 'live'; live: LiveNumbers }
  | { type: 'sample'; id: number }
  | { type: 'traffic' }
  | { type: 'read'; local: number; window: TrafficWindow }
  | { type: 'done'; results: ScenarioResult[] }
  | { type: 'failed'; message: string; stack?: string };
