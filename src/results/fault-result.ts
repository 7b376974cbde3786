import type { Measurement } from './measurement.js';
import type { Status } from './result.js';

export interface FaultTraffic {
  /** The scenario whose traffic it was injected into. */
  scenario: string;
  /** Messages published from the injection until the watched targets recovered. */
  published: number;
  /** Of those, never delivered. */
  lost: number;
  /** Messages the bus refused to take (the publish failed): the publisher was told; nothing was lost silently. Absent in reports before 0.2. */
  refused?: number;
  /** The longest time without a delivery from the injection to the recovery; null when nothing arrived. */
  gapMs: number | null;
}

/** One fault experiment: what was done, how long the watched targets took to recover, what else was hit. */
export interface FaultResult {
  name: string;
  /** The fault type: restart, redis-client-kill, postgres-terminate. */
  type: string;
  /** What it did, in words (said before acting). */
  action: string;
  detail?: string;
  status: Status;
  error?: string;
  watched: string[];
  steadyBefore: boolean;
  steadyAfter: boolean;
  recovered: boolean;
  /** From the start of the injection to the first of K consecutive checks where every watched target passed. */
  recoveryMs: number | null;
  /** A watched target was seen failing (else the service did not notice the fault within the settle time). */
  disruptionSeen: boolean;
  /**
   * The fault is shown to have happened: it acted on something (sessions terminated, clients
   * disconnected), or a watched target was seen failing, or restarted. Without it nothing was tested.
   */
  tookEffect: boolean;
  /** The run was interrupted during this experiment. */
  interrupted?: boolean;
  /**
   * Why the experiment tested nothing, when it did not: the fault could not be injected, or it did not
   * take effect. Its criteria are then INCONCLUSIVE: the tool's experiment failed, not the platform.
   */
  inconclusive?: string;
  /** Deliberately not run (destructive, and --chaos was not given): its criteria are NOT RUN, not failed. */
  notRun?: boolean;
  /** Metrics it should have measured but could not, with why (the traffic metrics of a fault injected outside any bus scenario). */
  unmeasured?: Record<string, string>;
  /** After an interruption: watched targets still failing, and what restores them. */
  leftDown?: string[];
  restoreWith?: string;
  /** Injected during a bus scenario: what the messages published from the injection to the recovery went through. */
  traffic?: FaultTraffic;
  /** Targets that were not watched but failed during the experiment: the blast radius. */
  affected: string[];
  isolated: boolean;
  witnessRecoveryMs?: number;
  checks: number;
  /** When the injection started (ISO time, ms): recovery time counts from here. */
  injectedAt?: string;
  durationMs: number;
  measurements: Measurement[];
}
