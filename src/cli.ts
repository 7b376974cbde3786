import { Command } from 'commander';
import { setQuiet } from './util/say.js';
import { EXIT_WORDS, type ExitCodeValue } from './exit-codes.js';
import { toolVersion } from './version.js';
import { configCommands, demoCommand, historyCommands, loadCommand, probeCommand, reportCommands, runCommand } from './cli-commands.js';

type SetExit = (code: ExitCodeValue) => void;

/**
 * Flags only. Each command's code is imported when that command runs, and the registries a command's
 * flags come from are loaded only when that command is the one given, so `validate --help` loads nothing
 * heavy (no undici, ioredis, pg, zod).
 */
export async function buildCli(argv: string[], signal: AbortSignal, setExit: SetExit): Promise<Command> {
  const sub = argv.slice(2).find((a) => !a.startsWith('-'));
  const program = new Command('validate')
    .description(
      'Production-readiness gate: probes a platform, runs its load and fault scenarios, judges go-live criteria, and answers GO or NO-GO.',
    )
    .exitOverride() // before the subcommands: they inherit it, so their usage errors reach the exit codes too
    .version(toolVersion(), '-V, --version')
    .showHelpAfterError('(run validate --help for usage)')
    .addHelpText(
      'after',
      `\nExit codes: ${Object.entries(EXIT_WORDS)
        .map(([code, words]) => `${code} ${words}`)
        .join(', ')}.`,
    )
    .hook('preAction', (_program, action) => setQuiet(action.opts().quiet));

  const c = { signal, setExit };
  runCommand(program, c);
  await probeCommand(program, c, sub);
  loadCommand(program, c);
  demoCommand(program, c);
  reportCommands(program, c);
  historyCommands(program, c);
  configCommands(program, c);
  return program;
}
