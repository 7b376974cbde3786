import { CommanderError } from 'commander';
import { ConfigError, ValidateError } from './errors.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import { showControls } from './util/control-chars.js';

/**
 * The one place errors become exit codes and what the user reads: a config error lists its problems,
 * a user error is one line, and anything else is a bug: one line naming where (the stack only with
 * VALIDATE_DEBUG=1) and its own exit code, never the usage code.
 */
export function exitOnError(err: unknown, write: (line: string) => void, debug = Boolean(process.env.VALIDATE_DEBUG)): ExitCodeValue {
  if (err instanceof CommanderError) return err.exitCode === 0 ? ExitCode.GO : ExitCode.USAGE; // commander has said it
  if (err instanceof ConfigError) {
    const n = err.issues.length;
    write(`validate: the config has ${n} problem${n === 1 ? '' : 's'}; nothing was probed.\n${showControls(err.message)}\n`);
    return err.exitCode;
  }
  if (err instanceof ValidateError) {
    // A message may quote what a server or a file said: its control characters are shown, not obeyed.
    write(`validate: ${showControls(err.message)}\n`);
    return err.exitCode;
  }
  const e = err as Error | undefined;
  const where = e?.stack
    ?.split('\n')
    .find((l) => /\/(dist|src)\//.test(l))
    ?.trim()
    .replace(/^at /, '');
  write(
    `validate: internal error (a bug; please report it with the command that caused it): ${e?.name ?? 'Error'}: ${showControls(e?.message ?? String(err))}${where ? ` (${where})` : ''}\n`,
  );
  if (debug) write(`${e?.stack ?? ''}\n`);
  return ExitCode.INTERNAL;
}
