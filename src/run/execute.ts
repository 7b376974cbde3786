import type { Config } from '../config/config.js';
import { evaluateCriteria } from '../criteria/evaluate.js';
import { decideVerdict } from '../criteria/verdict.js';
import { buildReport, type Report } from '../reports/model.js';
import type { ProbeResult } from '../results/result.js';
import type { Redactor } from '../util/redact.js';
import { toolVersion } from '../version.js';
import { runProbes } from './run-probes.js';

export interface ExecuteOptions {
  signal?: AbortSignal;
  onResult?: (r: ProbeResult) => void;
  notes?: string[];
}

/** The one way through: config -> run -> results -> criteria -> verdict -> report model. */
export async function execute(config: Config, redactor: Redactor, opts: ExecuteOptions = {}): Promise<Report> {
  const startedAt = new Date();
  const { phases, probes } = await runProbes(config, { signal: opts.signal, onResult: opts.onResult });
  const aborted = opts.signal?.aborted ?? false;
  const criteria = evaluateCriteria(config.criteria, probes);
  // An interrupted run proves nothing: never GO.
  const verdict = aborted ? 'NO-GO' : decideVerdict(criteria);
  return buildReport(
    { platform: config.platform, source: config.source, version: toolVersion(), startedAt, finishedAt: new Date(), aborted, verdict, phases, probes, criteria, notes: opts.notes },
    redactor,
  );
}
