import type { TargetBase } from '../fields/target.js';
import type { FaultResult } from '../results/fault-result.js';
import type { ProbeResult } from '../results/result.js';
import { forcedExitNote } from '../util/interrupt.js';
import { machineBusy, machineLoad, watchMachine } from '../util/machine-load.js';
import { faultMeasurements, trafficMeasurements } from './fault-metrics.js';
import { faultType } from './registry.js';
import type { FaultBase, FaultType, Injected } from './types.js';
import { Watcher } from './watch.js';

export interface FaultConfig {
  name: string;
  fault: FaultBase;
  watch: string[];
  /** Consecutive passing checks that count as recovered. */
  consecutive: number;
  interval: number;
  checkTimeout: number;
  recoveryTimeout: number;
  /** With no failure seen, how long to keep watching before concluding the fault caused no disruption. */
  settle: number;
  /** Injected while this scenario runs (its traffic says what the fault cost), instead of after the load. */
  during?: string;
  /** With `during`: how long after the scenario starts. */
  at?: number;
}

export interface ExperimentContext {
  targets: TargetBase[];
  /** The run's default timeout, for targets that set none. */
  timeoutMs: number;
  signal?: AbortSignal;
  say(line: string): void;
  /** Probes a target: in full (steady state), or a light liveness check (polled while watching). */
  check(target: TargetBase, timeoutMs: number, o: { liveness: boolean; signal?: AbortSignal }): Promise<ProbeResult>;
  /** Called just before the fault is injected, and once the watched targets recovered (or the wait ended). */
  onInject?(): void;
  onEnd?(): void;
}

interface Injection {
  done: Promise<void>;
  result?: Injected;
  error?: Error;
  doneAt?: number;
}

const STOPPED = { steadyAfter: false, recovered: false, recoveryMs: null, interrupted: true } as const;

/**
 * The other targets the fault took down (not those failing before it), and, when every one of them only
 * timed out on a machine whose CPUs other work took, that machine's load: the fault may not have reached them.
 */
function othersHit(before: ProbeResult[], isolation: Watcher, load: ReturnType<ReturnType<typeof watchMachine>['stop']>) {
  const failingAlready = new Set(before.filter((r) => r.status === 'fail').map((r) => r.name));
  const hit = [...isolation.failed()].filter(([n]) => !failingAlready.has(n));
  const busy = hit.length > 0 && machineBusy(load) && hit.every(([, error]) => TIMEOUT.test(error));
  return { affected: hit.map(([n]) => n), busyTimeouts: busy ? machineLoad(load) : undefined };
}

/**
 * The fault injected while the watched targets and the others are checked every `interval`: when the
 * watched ones came back (recovery), which others failed meanwhile (isolation), and how busy the machine was.
 */
async function injectWatched(
  f: FaultConfig,
  type: ReturnType<typeof faultType>,
  ctx: ExperimentContext,
  byName: Map<string, TargetBase>,
  [watched, others]: [TargetBase[], TargetBase[]],
) {
  const live = (t: TargetBase) =>
    ctx.check(t, f.checkTimeout, { liveness: true }).then((r) => ({ ok: r.status !== 'fail', error: r.error }));
  const started = performance.now();
  const injectedAt = new Date().toISOString();
  // How busy the machine is while it runs: a bystander's timeout on a busy machine may be the machine's.
  const machine = watchMachine();
  const watching = new Watcher(watched, f.interval, live, started);
  const isolation = new Watcher(others, f.interval, live, started);
  watching.start();
  isolation.start();
  const hint = type.restoreHint?.(f.fault);
  const releaseNote = forcedExitNote(
    `fault ${f.name} was in progress: ${f.watch.join(', ')} may be left down${hint ? `; restore with: ${hint}` : ''}`,
  );
  ctx.onInject?.();
  const injection = inject(type, f, byName, ctx.timeoutMs, ctx.signal);
  const recovery = await awaitRecovery(f, watching, injection, started, ctx.signal);
  ctx.onEnd?.();
  await injection.done;
  releaseNote();
  await Promise.all([watching.stop(), isolation.stop()]);
  return { started, injectedAt, watching, isolation, injection, recovery, hint, load: machine.stop() };
}

/**
 * The chaos-experiment shape: steady state; inject while watching (each watched target checked lightly
 * every `interval`, on its own, since a restart command may block until the service is back); recovery
 * time and isolation; proof that the fault took effect; then the steady state again.
 */
export async function runFault(f: FaultConfig, ctx: ExperimentContext): Promise<FaultResult> {
  const type = faultType(f.fault.type);
  const byName = new Map(ctx.targets.map((t) => [t.name, t]));
  const watched = ctx.targets.filter((t) => f.watch.includes(t.name));
  // Isolation is about the rest of the platform: the target the fault acts on is expected to be hit.
  const actedOn = new Set(type.references(f.fault).map((r) => r.name));
  const others = ctx.targets.filter((t) => !f.watch.includes(t.name) && !actedOn.has(t.name));
  const action = type.describe(f.fault, byName);
  const t0 = performance.now();
  const full = (ts: TargetBase[]) => Promise.all(ts.map((t) => ctx.check(t, f.checkTimeout, { liveness: false, signal: ctx.signal })));

  const before = await full(ctx.targets);
  const failingBefore = before.filter((r) => r.required && r.status === 'fail');
  if (failingBefore.length) {
    const error = `steady state not met before the fault, so it was not injected: ${failingBefore.map((r) => `${r.name} (${r.error})`).join('; ')}`;
    return finish({ ...notInjected(f, 'fail', error), action }, t0);
  }

  ctx.say(`fault ${f.name}: about to ${action}; watching ${f.watch.join(', ')}`);
  const { started, injectedAt, watching, isolation, injection, recovery, hint, load } = await injectWatched(f, type, ctx, byName, [
    watched,
    others,
  ]);

  const interrupted = ctx.signal?.aborted ?? false;
  const after = interrupted ? [] : await full(ctx.targets);
  const { affected, busyTimeouts } = othersHit(before, isolation, load);
  const disrupted = watching.failed().size > 0;
  const tookEffect =
    injection.result?.affected !== undefined ? injection.result.affected > 0 : disrupted || restartSeen(before, after, f.watch);
  const base = {
    name: f.name,
    type: f.fault.type,
    action,
    watched: f.watch,
    detail: injection.result?.detail,
    witnessRecoveryMs: injection.result?.witnessRecoveryMs,
    steadyBefore: true,
    disruptionSeen: disrupted,
    tookEffect,
    affected,
    isolated: affected.length === 0,
    checks: watching.checks,
    injectedAt,
  };
  // Interrupted: no steady state after, no recovery; what was left down, and how to restore it.
  if (interrupted) return finish({ ...base, ...(await afterInterrupt(f, watched, injection, hint, ctx)), ...STOPPED }, t0);
  const steadyAfter = after.every((r) => !r.required || r.status !== 'fail');
  // A fault that did nothing has no recovery to time; one the platform absorbed (took effect, nothing failed) recovered at once.
  const recoveryMs = recovery && tookEffect ? (recovery.disrupted ? recovery.at - started : 0) : null;
  return finish(
    {
      ...base,
      steadyAfter,
      recovered: Boolean(recovery),
      recoveryMs,
      ...verdict(f, injection, tookEffect, recovery !== undefined, steadyAfter, after, affected, busyTimeouts),
    },
    t0,
  );
}

function inject(type: FaultType, f: FaultConfig, targets: Map<string, TargetBase>, timeoutMs: number, signal?: AbortSignal): Injection {
  const i: Injection = { done: Promise.resolve() };
  i.done = type.inject(f.fault, { targets, timeoutMs, signal }).then(
    (r) => {
      i.result = r;
      i.doneAt = performance.now();
    },
    (e: Error) => {
      i.error = e;
      i.doneAt = performance.now();
    },
  );
  return i;
}

/** Waits until every watched target has passed `consecutive` checks in a row after the injection (and after any disruption). */
async function awaitRecovery(
  f: FaultConfig,
  w: Watcher,
  inj: Injection,
  started: number,
  signal?: AbortSignal,
): Promise<{ at: number; disrupted: boolean } | undefined> {
  while (!signal?.aborted && performance.now() - started <= f.recoveryTimeout) {
    await new Promise((r) => setTimeout(r, Math.min(f.interval, 50)));
    if (inj.doneAt === undefined) continue;
    const settled = w.settledSince(f.consecutive);
    if (!settled) continue;
    const disrupted = [...settled.values()].some((s) => s.disrupted);
    // With no failure seen, keep watching for `settle` after the injection: a restart may take a moment to bite.
    if (!disrupted && performance.now() - inj.doneAt < f.settle) continue;
    return { at: Math.max(...[...settled.values()].map((s) => s.since)), disrupted };
  }
  return undefined;
}

/**
 * The experiment's own outcome. One that could not be injected or did not take effect tested nothing:
 * inconclusive (the tool's experiment failed, not the platform). One that took effect fails when the
 * watched targets did not recover, the platform was not steady after, or other targets were hit.
 */
function verdict(
  f: FaultConfig,
  inj: Injection,
  tookEffect: boolean,
  recovered: boolean,
  steadyAfter: boolean,
  after: ProbeResult[],
  affected: string[],
  busyTimeouts?: string,
): Pick<FaultResult, 'status' | 'error' | 'inconclusive'> {
  let why: string | undefined;
  if (inj.error) why = `the fault could not be injected: ${inj.error.message}`;
  else if (!tookEffect) {
    why = `the fault did not take effect: ${inj.result?.affected === 0 ? inj.result.detail : `no watched target (${f.watch.join(', ')}) was seen failing or restarting within ${f.settle} ms; is it the right command or target?`}`;
  }
  if (why) return { status: 'inconclusive', error: why, inconclusive: why };
  let error: string | undefined;
  if (!recovered) error = `${f.watch.join(', ')} did not recover within ${f.recoveryTimeout} ms`;
  else if (!steadyAfter)
    error = `steady state not met after recovery: ${after
      .filter((r) => r.required && r.status === 'fail')
      .map((r) => `${r.name} (${r.error})`)
      .join('; ')}`;
  else if (affected.length && busyTimeouts) {
    const could = `could not tell whether it is isolated: ${affected.join(', ')} timed out during the experiment while this machine was busy (${busyTimeouts}); run it where the machine is quieter`;
    return { status: 'inconclusive', error: could, inconclusive: could };
  } else if (affected.length) error = `not isolated: ${affected.join(', ')} also failed during the experiment`;
  return { status: error ? 'fail' : 'pass', error };
}

/** A process target whose identity (pid and start time) changed was restarted, even if no check caught it down. */
function restartSeen(before: ProbeResult[], after: ProbeResult[], watch: string[]): boolean {
  return watch.some((name) => {
    const a = before.find((r) => r.name === name)?.details.identity;
    const b = after.find((r) => r.name === name)?.details.identity;
    return typeof a === 'string' && typeof b === 'string' && a !== b;
  });
}

/** A check that failed by running out of time (the runner's words, or a protocol's own). */
const TIMEOUT = /\btime(d)?[ -]?out\b/i;

/** How long an interrupted run waits for the watched targets to come back before calling them left down. */
const RESTORE_WAIT_MS = 10_000;

/** Interrupted: was it put back? If a watched target is still down, say which and what restores it. */
async function afterInterrupt(
  f: FaultConfig,
  watched: TargetBase[],
  inj: Injection,
  hint: string | undefined,
  ctx: ExperimentContext,
): Promise<Pick<FaultResult, 'status' | 'error' | 'leftDown' | 'restoreWith'>> {
  const deadline = performance.now() + Math.min(f.recoveryTimeout, RESTORE_WAIT_MS);
  let down: string[] = [];
  do {
    const now = await Promise.all(watched.map((t) => ctx.check(t, f.checkTimeout, { liveness: true })));
    down = now.filter((r) => r.status === 'fail').map((r) => r.name);
    if (down.length) await new Promise((r) => setTimeout(r, f.interval));
  } while (down.length && performance.now() < deadline);
  const restored = inj.result?.restored ? `; restored: ${inj.result.restored}` : '';
  if (down.length === 0) return { status: 'fail', error: `interrupted${restored}; ${f.watch.join(', ')} up again` };
  const error = `interrupted: ${down.join(', ')} left down${hint ? `; restore with: ${hint}` : '; check it by hand'}`;
  ctx.say(`fault ${f.name} ${error}`);
  return { status: 'fail', error, leftDown: down, restoreWith: hint };
}

/** An experiment that injected nothing (its steady state was not met, it was not run): nothing seen, nothing claimed. */
export function notInjected(f: FaultConfig, status: 'fail' | 'skip', error: string): Omit<FaultResult, 'durationMs' | 'measurements'> {
  return {
    name: f.name,
    type: f.fault.type,
    action: '',
    watched: f.watch,
    status,
    error,
    steadyBefore: false,
    steadyAfter: false,
    recovered: false,
    recoveryMs: null,
    disruptionSeen: false,
    tookEffect: false,
    affected: [],
    isolated: true,
    checks: 0,
  };
}

function finish(r: Omit<FaultResult, 'durationMs' | 'measurements'>, t0: number): FaultResult {
  // Its traffic, if it ran during a bus scenario, is added when that scenario has drained.
  return {
    ...r,
    durationMs: performance.now() - t0,
    measurements: faultMeasurements(r),
    unmeasured: trafficMeasurements(undefined).unmeasured,
  };
}
