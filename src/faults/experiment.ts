import type { Measurement } from '../results/measurement.js';
import type { FaultResult } from '../results/fault-result.js';
import type { TargetBase } from '../probes/types.js';
import { probeOne } from '../run/probe-one.js';
import { faultType } from './registry.js';
import type { Injected } from './types.js';

export interface FaultConfig {
  name: string;
  fault: { type: string } & Record<string, unknown>;
  watch: string[];
  /** Consecutive all-pass checks that count as recovered. */
  consecutive: number;
  interval: number;
  checkTimeout: number;
  recoveryTimeout: number;
  /** With no failure seen, how long to keep watching before concluding the fault caused no disruption. */
  settle: number;
}

export interface ExperimentContext {
  targets: TargetBase[];
  signal?: AbortSignal;
  say(line: string): void;
}

/**
 * The chaos-experiment shape: steady state, inject, watch (every `interval`, while the injection runs,
 * since a restart command may block until the service is back), recovery time and isolation, then the
 * steady state again.
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
  const base = { name: f.name, type: f.fault.type, action, watched: f.watch, affected: [] as string[], checks: 0 };
  const check = async (ts: TargetBase[]) => Promise.all(ts.map((t) => probeOne(t, f.checkTimeout, ctx.signal)));

  const before = await check(ctx.targets);
  const failingBefore = before.filter((r) => r.required && r.status === 'fail');
  if (failingBefore.length) {
    const error = `steady state not met before the fault, so it was not injected: ${failingBefore.map((r) => `${r.name} (${r.error})`).join('; ')}`;
    return finish({ ...base, status: 'fail', error, steadyBefore: false, steadyAfter: false, recovered: false, recoveryMs: null, disruptionSeen: false, isolated: true }, t0);
  }

  // The blast radius is what the fault broke: a target already failing before it is not counted.
  const failingAlready = new Set(before.filter((r) => r.status === 'fail').map((r) => r.name));
  ctx.say(`fault ${f.name}: about to ${action}; watching ${f.watch.join(', ')}`);
  const started = performance.now();
  const injectedAt = new Date().toISOString();
  let injected: Injected | undefined;
  let injectError: Error | undefined;
  let injectDoneAt: number | undefined;
  const injection = type.inject(f.fault, { targets: byName, signal: ctx.signal }).then(
    (r) => { injected = r; injectDoneAt = performance.now(); },
    (e: Error) => { injectError = e; injectDoneAt = performance.now(); },
  );

  const affected = new Set<string>();
  let sawFailure = false;
  let streak = 0;
  let streakStart = 0;
  let checks = 0;
  let recovered = false;
  while (!ctx.signal?.aborted) {
    const roundAt = performance.now();
    const [w, o] = await Promise.all([check(watched), check(others)]);
    checks++;
    for (const r of o) if (r.status === 'fail' && !failingAlready.has(r.name)) affected.add(r.name);
    if (w.every((r) => r.status !== 'fail')) {
      if (streak++ === 0) streakStart = roundAt;
    } else {
      sawFailure = true;
      streak = 0;
    }
    const settled = sawFailure || (injectDoneAt !== undefined && roundAt - injectDoneAt >= f.settle);
    if (injectDoneAt !== undefined && streak >= f.consecutive && settled) {
      recovered = true;
      break;
    }
    if (roundAt - started > f.recoveryTimeout) break;
    const wait = f.interval - (performance.now() - roundAt);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await injection;

  const after = await check(ctx.targets);
  const steadyAfter = after.every((r) => !r.required || r.status !== 'fail');
  const recoveryMs = recovered ? (sawFailure ? streakStart - started : 0) : null;
  let error: string | undefined;
  if (injectError) error = `the fault could not be injected: ${injectError.message}`;
  else if (!recovered) error = ctx.signal?.aborted ? 'interrupted' : `${f.watch.join(', ')} did not recover within ${f.recoveryTimeout} ms`;
  else if (!steadyAfter) error = `steady state not met after recovery: ${after.filter((r) => r.required && r.status === 'fail').map((r) => `${r.name} (${r.error})`).join('; ')}`;
  return finish(
    {
      ...base,
      detail: injected?.detail,
      witnessRecoveryMs: injected?.witnessRecoveryMs,
      status: error ? 'fail' : 'pass',
      error,
      steadyBefore: true,
      steadyAfter,
      recovered,
      recoveryMs,
      disruptionSeen: sawFailure,
      affected: [...affected],
      isolated: affected.size === 0,
      checks,
      injectedAt,
    },
    t0,
  );
}

function finish(r: Omit<FaultResult, 'durationMs' | 'measurements'>, t0: number): FaultResult {
  const m: Measurement[] = [
    { metric: 'recovered', value: r.recovered ? 1 : 0, unit: 'count' },
    { metric: 'isolated', value: r.isolated ? 1 : 0, unit: 'count' },
    { metric: 'affected', value: r.affected.length, unit: 'count' },
    { metric: 'steady_after', value: r.steadyAfter ? 1 : 0, unit: 'count' },
  ];
  if (r.recoveryMs !== null) m.push({ metric: 'recovery_ms', value: r.recoveryMs, unit: 'ms' });
  if (r.witnessRecoveryMs !== undefined) m.push({ metric: 'witness_recovery_ms', value: r.witnessRecoveryMs, unit: 'ms' });
  return { ...r, durationMs: performance.now() - t0, measurements: m };
}

export const FAULT_METRICS = {
  recovery_ms: { unit: 'ms', aggregate: 'max', label: 'recovery time' },
  recovered: { unit: 'count', aggregate: 'min', label: 'recovered' },
  isolated: { unit: 'count', aggregate: 'min', label: 'isolated' },
  affected: { unit: 'count', aggregate: 'sum', label: 'targets affected' },
  steady_after: { unit: 'count', aggregate: 'min', label: 'steady state after' },
  witness_recovery_ms: { unit: 'ms', aggregate: 'max', label: 'tool reconnection' },
} as const;
