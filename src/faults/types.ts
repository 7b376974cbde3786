import type { z } from 'zod';
import type { TargetBase } from '../fields/target.js';

export interface FaultContext {
  targets: Map<string, TargetBase>;
  /** The run's default timeout, for a target that sets none: a fault's own connections give up as the target's probes do. */
  timeoutMs: number;
  /** Aborted on Ctrl-C/SIGTERM: an injection stops what it can stop, and restores what it broke. */
  signal?: AbortSignal;
}

/** What an injection did: a line for the report, how many things it hit, and for bus faults the tool's own reconnection time. */
export interface Injected {
  detail: string;
  /**
   * How many things the fault acted on (sessions terminated, clients disconnected), when it can count
   * them. Zero means it did not take effect, whatever the watched targets did; absent means only the
   * targets can tell (a restart must be seen as a failure).
   */
  affected?: number;
  /** Milliseconds the tool's own witness connection needed to work again after the fault, if measured. */
  witnessRecoveryMs?: number;
  /** Set when the injection was interrupted and put back what it had broken (a restart's start command). */
  restored?: string;
}

/** What every fault spec has: its type. */
export interface FaultBase {
  type: string;
}

export interface FaultType<F extends FaultBase = FaultBase> {
  type: string;
  summary: string;
  schema: z.ZodType<F>;
  /** Config targets the fault acts on (checked to exist and to be of the given kinds). */
  references(spec: F): { name: string; kinds: string[] }[];
  /** Said before acting, and all that --dry-run does: what will be done to what. */
  describe(spec: F, targets: Map<string, TargetBase>): string;
  /**
   * What puts things back if the run stops halfway (a restart's start command), said on stderr and in
   * the report when the run is interrupted and the injection could not restore on its own.
   */
  restoreHint?(spec: F): string | undefined;
  /** Config rules the schema cannot say, against the experiment around the fault: problems at paths inside `fault`. */
  check?(spec: F, experiment: { recoveryTimeoutMs: number }): { path: (string | number)[]; message: string }[];
  inject(spec: F, ctx: FaultContext): Promise<Injected>;
}

/** Declares a fault type; the one place its own spec type is widened to the registry's (its schema made every spec it is given). */
export function defineFault<F extends FaultBase>(type: FaultType<F>): FaultType {
  return type as unknown as FaultType;
}
