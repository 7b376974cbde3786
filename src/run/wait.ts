import type { Config } from '../config/config.js';
import { formatDuration } from '../util/duration.js';
import { runProbes, type ProbeRun } from './run-probes.js';

/**
 * `--wait`: right after a deploy, services come up one by one. Re-probe (once a second) until every
 * required target passes or the budget is spent, then judge the last round. Says how long it waited.
 */
export async function waitForRequired(
  config: Config,
  first: ProbeRun,
  budgetMs: number,
  signal?: AbortSignal,
): Promise<ProbeRun & { waitedMs: number; note: string }> {
  let run = first;
  const t0 = performance.now();
  const failing = () => run.probes.some((p) => p.required && p.status === 'fail');
  while (failing() && performance.now() - t0 < budgetMs && !signal?.aborted) {
    await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(0, budgetMs - (performance.now() - t0)))));
    run = await runProbes(config, { signal });
  }
  const waitedMs = performance.now() - t0;
  const note = failing()
    ? `waited ${formatDuration(waitedMs)} (the whole --wait budget) and required targets still fail`
    : `waited ${formatDuration(waitedMs)} for the required targets to pass`;
  return { ...run, waitedMs, note };
}
