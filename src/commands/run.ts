import { parseConfigText, readConfigText } from '../config/load.js';
import type { ExitCodeValue } from '../exit-codes.js';
import { SECRETS, redactUrlsInText } from '../util/redact.js';
import type { Config } from '../config/config.js';
import { faultType } from '../faults/registry.js';
import { ExitCode } from '../exit-codes.js';
import { openGate, type GateFlags } from '../session/gate.js';

export interface RunFlags extends GateFlags {
  config: string;
  dryRun?: boolean;
  timeout?: number;
  concurrency?: number;
  retries?: number;
}

/** `validate run --config FILE`: the gate. */
export async function run(flags: RunFlags, signal: AbortSignal): Promise<ExitCodeValue> {
  const text = await readConfigText(flags.config);
  const config = parseConfigText(text, flags.config === '-' ? 'stdin' : flags.config, SECRETS);
  if (flags.timeout !== undefined) config.defaults.timeout = flags.timeout;
  if (flags.concurrency !== undefined) config.defaults.concurrency = flags.concurrency;
  if (flags.retries !== undefined) config.retries = flags.retries;
  const gate = openGate(config, flags);
  return flags.dryRun ? dryRun(config) : gate.run(signal);
}

/** `--dry-run`: says what would be probed, loaded and injected, and touches nothing. */
function dryRun(config: Config): ExitCodeValue {
  const targets = new Map(config.targets.map((t) => [t.name, t]));
  const lines = [
    `${config.platform}: ${config.targets.length} target(s), ${config.scenarios.length} scenario(s), ${config.faults.length} fault experiment(s)`,
  ];
  for (const p of config.phases)
    lines.push(
      `phase ${p.name}: ${config.targets
        .filter((t) => t.phase === p.name)
        .map((t) => `${t.name} (${t.kind})`)
        .join(', ')}`,
    );
  for (const s of config.scenarios) lines.push(`scenario ${s.name} (${s.kind})`);
  for (const f of config.faults)
    lines.push(
      `fault ${f.name}: would ${faultType(f.fault.type).describe(f.fault, targets)}; watching ${f.watch.join(', ')} (only with --chaos)`,
    );
  // Fault commands and URLs carry ${VAR} values: the output guard in main.ts masks the secret ones.
  process.stdout.write(`${lines.map((l) => redactUrlsInText(l)).join('\n')}\n`);
  return ExitCode.GO;
}
