import { probeKind } from '../probes/registry.js';
import type { ProbeOutcome } from '../probes/types.js';
import type { TargetBase } from '../fields/target.js';
import type { Measurement } from '../results/measurement.js';
import type { ProbeResult } from '../results/result.js';
import { redactUrl } from '../util/redact.js';

/**
 * Runs one probe under a hard deadline. The deadline is enforced here, not trusted to the client
 * library: whatever the probe is stuck on, the result is back within the timeout and says where it stuck.
 */
export async function probeOne(
  target: TargetBase,
  timeoutMs: number,
  outer?: AbortSignal,
  o: { liveness?: boolean; repeat?: boolean } = {},
): Promise<ProbeResult> {
  const kind = probeKind(target.kind);
  const controller = new AbortController();
  let stage = 'starting';
  const startedAt = new Date();
  const t0 = performance.now();
  // Interrupted (Ctrl-C, SIGTERM): the result is back at once, whatever the probe is stuck on, as with its deadline.
  let onOuterAbort = () => undefined as void;
  const interrupted = new Promise<ProbeOutcome>((resolve) => {
    onOuterAbort = () => {
      controller.abort(new Error('interrupted'));
      resolve({ status: 'skip', latencyMs: null, error: `interrupted ${stage}: not measured`, details: {}, measurements: [] });
    };
  });
  if (outer?.aborted) onOuterAbort();
  outer?.addEventListener('abort', onOuterAbort, { once: true });

  let timer: NodeJS.Timeout | undefined;
  let overdue = false;
  const deadline = new Promise<ProbeOutcome>((resolve) => {
    timer = setTimeout(() => {
      overdue = true;
      // The stage the probe was at. A busy event loop runs due timers before the I/O already waiting, so a
      // connection made by the deadline may not be read yet: still connecting, the stage is taken once that
      // I/O is read. Any later stage stands as found: what other timers due meanwhile do (a client
      // library's own timeout moving the probe on) happens after the deadline.
      const found = stage;
      setImmediate(() => {
        controller.abort(new Error('timeout'));
        const named = found.startsWith('connecting') ? stage : found;
        resolve({ status: 'fail', latencyMs: null, error: timeoutMessage(timeoutMs, named), details: {}, measurements: [] });
      });
    }, timeoutMs);
  });
  const work = kind
    .run(target, {
      signal: controller.signal,
      timeoutMs,
      liveness: o.liveness,
      repeat: o.repeat,
      stage: (s) => {
        stage = s;
      },
    })
    .then(
      // A client library's own timer on the same deadline fails it first: the deadline's words say more (where it stuck).
      (outcome): ProbeOutcome | Promise<ProbeOutcome> => (overdue && outcome.status === 'fail' ? deadline : outcome),
      (err): ProbeOutcome | Promise<ProbeOutcome> =>
        controller.signal.aborted || overdue
          ? deadline
          : { status: 'fail', latencyMs: null, error: `probe error: ${(err as Error).message}`, details: {}, measurements: [] },
    );
  const outcome = await Promise.race([work, deadline, interrupted]);
  clearTimeout(timer);
  outer?.removeEventListener('abort', onOuterAbort);
  if (!controller.signal.aborted) controller.abort(new Error('done')); // releases anything the probe left open

  return toProbeResult(target, outcome, startedAt, t0);
}

/** The outcome as the run's result of this target: the kind's numbers and those every target has. */
function toProbeResult(target: TargetBase, outcome: ProbeOutcome, startedAt: Date, t0: number): ProbeResult {
  return {
    kind: target.kind,
    name: target.name,
    target: redactUrl(target.url),
    phase: target.phase ?? '',
    required: target.required,
    status: outcome.status,
    latencyMs: outcome.latencyMs,
    error: outcome.error,
    warnings: outcome.warnings ?? [],
    details: outcome.details,
    measurements: [...outcome.measurements, ...commonMeasurements(outcome)],
    ...(outcome.labelValues && { labelValues: outcome.labelValues }),
    ...(outcome.unmeasured && Object.keys(outcome.unmeasured).length > 0 && { unmeasured: outcome.unmeasured }),
    ...(outcome.broken && Object.keys(outcome.broken).length > 0 && { broken: outcome.broken }),
    ...(outcome.alerts && { alerts: outcome.alerts }),
    ...(outcome.rules && { rules: outcome.rules }),
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - t0,
  };
}

function timeoutMessage(ms: number, stage: string): string {
  const hint = /waiting|reading/.test(stage) && !/connecting/.test(stage) ? ' (connected, but it never answered)' : '';
  return `timeout after ${ms} ms ${stage}${hint}`;
}

/** The measurements every target has, so criteria like `engines.available` work for any kind. */
function commonMeasurements(o: ProbeOutcome): Measurement[] {
  if (o.status === 'skip') return []; // not measured: neither up nor down
  const up = o.status !== 'fail';
  const m: Measurement[] = [
    { metric: 'available', value: up ? 100 : 0, unit: 'percent' },
    { metric: 'healthy', value: up ? 1 : 0, unit: 'count' },
    { metric: 'failed', value: up ? 0 : 1, unit: 'count' },
  ];
  if (o.latencyMs !== null) m.push({ metric: 'latency_ms', value: o.latencyMs, unit: 'ms' });
  return m;
}
