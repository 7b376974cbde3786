import type { z } from 'zod';
import type { TargetBase } from '../probes/types.js';

export interface FaultContext {
  targets: Map<string, TargetBase>;
  signal?: AbortSignal;
}

/** What an injection did: a line for the report, and for bus faults the tool's own reconnection time. */
export interface Injected {
  detail: string;
  /** Milliseconds the tool's own witness connection needed to work again after the fault, if measured. */
  witnessRecoveryMs?: number;
}

export interface FaultType<F = unknown> {
  type: string;
  summary: string;
  schema: z.ZodType<F>;
  /** Config targets the fault acts on (checked to exist and to be of the given kinds). */
  references(spec: F): { name: string; kinds: string[] }[];
  /** Said before acting, and all that --dry-run does: what will be done to what. */
  describe(spec: F, targets: Map<string, TargetBase>): string;
  inject(spec: F, ctx: FaultContext): Promise<Injected>;
}
