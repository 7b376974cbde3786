import { loadConfigFile } from '../config/load.js';
import type { ExitCodeValue } from '../exit-codes.js';
import { execute } from '../run/execute.js';
import { Redactor } from '../util/redact.js';
import { emitReport, type OutputFlags } from './output.js';
import { loadProgress, probeProgress } from './progress.js';

export interface RunFlags extends OutputFlags {
  config: string;
  timeout?: number;
  concurrency?: number;
}

/** `validate run --config FILE`: the gate. */
export async function run(flags: RunFlags, signal: AbortSignal): Promise<ExitCodeValue> {
  const redactor = new Redactor();
  const config = await loadConfigFile(flags.config, redactor);
  if (flags.timeout !== undefined) config.defaults.timeout = flags.timeout;
  if (flags.concurrency !== undefined) config.defaults.concurrency = flags.concurrency;
  const progress = probeProgress(config.targets.length);
  const load = loadProgress();
  const report = await execute(config, redactor, { signal, onResult: progress.onResult, onScenarioStart: load.onStart });
  progress.end();
  load.end();
  return emitReport(report, flags, config.outputs);
}
