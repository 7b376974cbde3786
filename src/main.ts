import { CommanderError } from 'commander';
import { buildCli } from './cli.js';
import { ConfigError, ValidateError } from './errors.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import { interruptSignal } from './util/interrupt.js';
import { redactUrlsInText } from './util/redact.js';

/** The one place errors become exit codes and messages; nothing below prints a stack trace to users. */
async function main(argv: string[]): Promise<ExitCodeValue> {
  const interrupt = interruptSignal();
  let code: ExitCodeValue = ExitCode.GO;
  const program = buildCli(interrupt.signal, (c) => { code = c; });
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    await program.parseAsync(argv);
    // An interrupted run exits with the signal's conventional code: 130 for Ctrl-C, 143 for SIGTERM.
    const set = code as ExitCodeValue; // assigned by the command's callback
    return set === ExitCode.INTERRUPTED && interrupt.received() === 'SIGTERM' ? ExitCode.TERMINATED : set;
  } catch (err) {
    return report(err);
  } finally {
    interrupt.dispose();
  }
}

function report(err: unknown): ExitCodeValue {
  if (err instanceof CommanderError) {
    // Commander already printed its message (or the help/version text).
    return err.exitCode === 0 ? ExitCode.GO : ExitCode.USAGE;
  }
  if (err instanceof ConfigError) {
    const n = err.issues.length;
    process.stderr.write(`validate: the config has ${n} problem${n === 1 ? '' : 's'}; nothing was probed.\n${redactUrlsInText(err.message)}\n`);
    return err.exitCode;
  }
  if (err instanceof ValidateError) {
    process.stderr.write(`validate: ${redactUrlsInText(err.message)}\n`);
    return err.exitCode;
  }
  const e = err as NodeJS.ErrnoException;
  if (e && (e.code === 'EACCES' || e.code === 'ENOENT' || e.code === 'EROFS' || e.code === 'ENOSPC')) {
    process.stderr.write(`validate: cannot write ${e.path ?? 'a file'}: ${e.code}\n`);
    return ExitCode.USAGE;
  }
  process.stderr.write(`validate: internal error (please report it): ${redactUrlsInText(e?.stack ?? String(err))}\n`);
  return ExitCode.USAGE;
}

// Exit explicitly once output is flushed: a socket a hostile server keeps half-open must never hang a CI step.
const code = await main(process.argv);
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
