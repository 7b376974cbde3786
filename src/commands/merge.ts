import { loadConfigFile } from '../config/load.js';
import type { ExitCodeValue } from '../exit-codes.js';
import { mergeReports } from '../merge/merge-reports.js';
import { SECRETS } from '../util/redact.js';
import { checkOutputs, type OutputFlags } from '../session/output.js';
import { deliver } from '../session/gate.js';
import { readReport } from '../finish/read-report.js';
import { finishReport } from '../finish/finish-report.js';
import { note } from '../util/say.js';

export interface MergeFlags extends OutputFlags {
  config?: string;
  allowPartial?: boolean;
}

/**
 * `validate merge SHARD.json...`: the shards of one sharded run as one report and one verdict, exactly
 * what one process would have measured (histograms added, never percentiles averaged). Exit codes as
 * for `run`: this is the gate of a sharded run.
 */
export async function merge(files: string[], flags: MergeFlags): Promise<ExitCodeValue> {
  checkOutputs(flags);
  const config = flags.config ? await loadConfigFile(flags.config, SECRETS) : undefined;
  const shards = await Promise.all(files.map(async (file) => ({ file, report: await readReport(file) })));
  const input = mergeReports(shards, { allowPartial: flags.allowPartial ?? false, config });
  const report = finishReport(input, SECRETS);
  note(`merged ${files.length} shard report(s): ${report.verdict}`);
  return deliver(report, flags);
}
