import { buildCli } from './cli.js';
import { exitOnError } from './exit-on-error.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import { interruptSignal, SIGNAL_EXIT } from './util/interrupt.js';
import { guardOutput } from './util/output-guard.js';
import { SECRETS } from './util/redact.js';

/** Runs the command line; exit-on-error.ts turns whatever it throws into one message and an exit code. */
async function main(argv: string[]): Promise<ExitCodeValue> {
  // Every byte written to stdout or stderr from here on, by anything, passes the secrets registry.
  guardOutput(process.stdout, (s) => SECRETS.scrub(s));
  guardOutput(process.stderr, (s) => SECRETS.scrub(s));
  const interrupt = interruptSignal();
  let code: ExitCodeValue = ExitCode.GO;
  const program = await buildCli(argv, interrupt.signal, (c) => {
    code = c;
  });
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    await program.parseAsync(argv);
    // An interrupted run exits with the signal's conventional code: 130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP.
    const set = code as ExitCodeValue; // assigned by the command's callback
    const sig = interrupt.received();
    return set === ExitCode.INTERRUPTED && sig ? ((SIGNAL_EXIT[sig] ?? set) as ExitCodeValue) : set;
  } catch (err) {
    return exitOnError(err, (line) => process.stderr.write(line));
  } finally {
    interrupt.dispose();
  }
}

// Exit explicitly once output is flushed: a socket a hostile server keeps half-open must never hang a CI step.
const code = await main(process.argv);
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
