import { loadConfigFile } from '../config/load.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { Redactor } from '../util/redact.js';

/** `validate check --config FILE`: validates the config only, with no network I/O; exit 0 or 2. */
export async function check(flags: { config: string }): Promise<ExitCodeValue> {
  const c = await loadConfigFile(flags.config, new Redactor());
  const n = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
  process.stdout.write(`${flags.config}: valid (${n(c.targets.length, 'target')}, ${n(c.scenarios.length, 'scenario')}, ${n(c.faults.length, 'fault experiment')}, ${n(c.criteria.length, 'criterion')})\n`);
  return ExitCode.GO;
}
