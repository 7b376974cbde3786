import { loadConfigFile } from '../config/load.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { SECRETS } from '../util/redact.js';

/** `validate check --config FILE`: validates the config only, with no network I/O; exit 0 or 2. */
export async function check(flags: { config: string }): Promise<ExitCodeValue> {
  const c = await loadConfigFile(flags.config, SECRETS);
  const n = (k: number, one: string, many = `${one}s`) => `${k} ${k === 1 ? one : many}`;
  process.stdout.write(
    `${flags.config}: valid (${n(c.targets.length, 'target')}, ${n(c.scenarios.length, 'scenario')}, ${n(c.faults.length, 'fault experiment')}, ${n(c.criteria.length, 'criterion', 'criteria')})\n`,
  );
  return ExitCode.GO;
}
