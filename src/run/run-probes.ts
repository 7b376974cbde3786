import type { Config } from '../config/config.js';
import type { PhaseResult, ProbeResult } from '../results/result.js';
import { redactUrl } from '../util/redact.js';
import { mapLimit } from './limit.js';
import { probeOne } from './probe-one.js';

export interface ProbeRun {
  phases: PhaseResult[];
  probes: ProbeResult[];
}

export interface ProbeRunOptions {
  signal?: AbortSignal;
  /** Called as each probe finishes (progress output). */
  onResult?: (r: ProbeResult) => void;
}

/**
 * Phases run in order; the probes of a phase run in parallel, bounded by defaults.concurrency. When a
 * required probe of a phase fails, the later phases are skipped (reported as skip, not fail): their
 * checks depend on what just failed.
 */
export async function runProbes(config: Config, opts: ProbeRunOptions = {}): Promise<ProbeRun> {
  const phases: PhaseResult[] = [];
  const probes: ProbeResult[] = [];
  let blockedBy: string | undefined;
  for (const phase of config.phases) {
    const targets = config.targets.filter((t) => t.phase === phase.name);
    if (blockedBy || opts.signal?.aborted) {
      const reason = blockedBy ? `phase "${blockedBy}" failed` : 'interrupted';
      phases.push({ ...phase, status: 'skip', reason });
      for (const t of targets) probes.push({ ...skipped(t, phase.name, reason), ...(blockedBy && { skippedForFailure: true }) });
      continue;
    }
    const results = await mapLimit(targets, config.defaults.concurrency, async (t) => {
      const r = await probeOne(t, t.timeout ?? config.defaults.timeout, opts.signal);
      opts.onResult?.(r);
      return r;
    });
    probes.push(...results);
    const failed = results.some((r) => r.required && r.status === 'fail');
    const warned = results.some((r) => r.status !== 'pass');
    phases.push({ ...phase, status: failed ? 'fail' : warned ? 'warn' : 'pass' });
    if (failed) blockedBy = phase.name;
  }
  return { phases, probes };
}

function skipped(t: Config['targets'][number], phase: string, reason: string): ProbeResult {
  return {
    kind: t.kind,
    name: t.name,
    target: redactUrl(t.url),
    phase,
    required: t.required,
    status: 'skip',
    latencyMs: null,
    error: `skipped: ${reason}`,
    warnings: [],
    details: {},
    measurements: [],
    startedAt: new Date().toISOString(),
    durationMs: 0,
  };
}
