import { Command, InvalidArgumentError, Option } from 'commander';
import type { ExitCodeValue } from './exit-codes.js';
import { MAX_DURATION_MS, parseDuration } from './util/duration.js';
import { toolVersion } from './version.js';
import { setQuiet } from './commands/say.js';
import { FORMAT_NAMES, knownExtensions } from './reports/formats.js';

/**
 * Flags only. Each command's code is imported when that command runs, so `validate --help` loads
 * nothing heavy (no undici, ioredis, pg, zod).
 */
export async function buildCli(argv: string[], signal: AbortSignal, setExit: (code: ExitCodeValue) => void): Promise<Command> {
  // The registries a subcommand's flags come from are loaded only when that subcommand runs.
  const sub = argv.slice(2).find((a) => !a.startsWith('-'));
  const program = new Command('validate')
    .description('Production-readiness gate: probes a platform, judges go-live criteria, reports GO or NO-GO.')
    .showHelpAfterError('(run validate --help for usage)')
    // Before the subcommands are declared: they inherit it, so their usage errors reach main's exit codes too.
    .exitOverride()
    .version(toolVersion(), '-V, --version')
    .addHelpText('after', '\nExit codes: 0 GO, 1 NO-GO, 2 usage or config error, 70 internal error, 130 interrupted (Ctrl-C), 143 stopped (SIGTERM).')
    // -q silences every informational line, whichever command it is given to.
    .hook('preAction', (_program, action) => setQuiet(action.opts().quiet));

  const withOutput = (cmd: Command) =>
    cmd
      .option('-f, --format <format>', `stdout format: ${FORMAT_NAMES.join(', ')}`, 'table')
      .option('-o, --out <file>', `also write a report file (format from ${knownExtensions().join(' ')}, or FORMAT:PATH; {date} {verdict} ... expand); repeatable`, collect, [])
      .option('--no-color', 'no ANSI colours (also NO_COLOR=1)')
      .option('-q, --quiet', 'nothing on stdout or stderr unless something fails (files and exit code only)')
      .addOption(new Option('-t, --timeout <duration>', 'per-probe timeout, e.g. 2s').argParser(durationArg))
      .addOption(new Option('-c, --concurrency <n>', 'probes in flight at once').argParser(positiveInt));

  withOutput(program.command('run'))
    .description('validate a platform described by a config file')
    .requiredOption('--config <file>', 'config file (YAML)', 'validate.yaml')
    .option('--chaos', 'run the fault experiments (destructive: restarts, disconnects)')
    .addOption(new Option('-w, --wait <duration>', 'before judging, re-probe until the required targets pass, for at most this long (after a deploy)').argParser(durationArg))
    .option('--dry-run', 'say what would be probed, loaded and injected, and do nothing')
    .action(async (flags) => setExit(await (await import('./commands/run.js')).run(flags, signal)));

  const probes = sub === 'probe' ? (await import('./probes/registry.js')).PROBES : [];
  const schemes = probes.flatMap((k) => k.schemes.map((s) => `${s}://`));
  const probeCmd = withOutput(program.command('probe'))
    .description('probe services given on the command line, no config needed')
    .argument('[url...]', `URLs; the kind comes from the scheme${schemes.length ? ` (${schemes.join(', ')})` : ''}`);
  for (const k of probes) probeCmd.option(`--${k.kind} <[name=]url>`, `${k.summary}; repeatable`, collect, []);
  probeCmd
    .option('--optional <name>', 'a target whose failure alone does not make NO-GO; repeatable', collect, [])
    .option('--criteria <expression>', 'a go-live criterion, e.g. "engines.available >= 90%"; repeatable', collect, [])
    .addOption(new Option('-w, --wait <duration>', 'before judging, re-probe until the required targets pass, for at most this long').argParser(durationArg))
    .action(async (urls, flags) => setExit(await (await import('./commands/probe.js')).probe(urls, flags, signal)));

  withOutput(program.command('load'))
    .description('load one URL, like autocannon: closed model with --connections, open model with --rate')
    .argument('<url>', 'the URL to load')
    .addOption(new Option('-n, --connections <n>', 'closed model: users sending back to back (default 10)').argParser(positiveInt))
    .addOption(new Option('--max-connections <n>', 'open model (--rate): connections opened as needed, at most this many (default 1000)').argParser(positiveInt))
    .addOption(new Option('-d, --duration <duration>', 'how long (default 10s)').argParser(durationArg))
    .addOption(new Option('-r, --requests <n>', 'total requests (closed model) instead of a duration').argParser(positiveInt))
    .addOption(new Option('-R, --rate <n>', 'requests per second: the open model, latency from each scheduled time').argParser(positiveNumber))
    .option('-m, --method <method>', 'HTTP method', 'GET')
    .option('-H, --header <header>', 'a request header, "name: value"; repeatable', collect, [])
    .option('-b, --body <body>', 'request body')
    .option('--criteria <expression>', 'a criterion, e.g. "scenario.p99_ms < 50ms"; repeatable', collect, [])
    .option('--progress', 'print progress even when stderr is not a terminal')
    .action(async (url, flags) => setExit(await (await import('./commands/load.js')).load(url, flags, signal)));

  withOutput(program.command('demo'))
    .description('start a simulated trading platform in-process and validate it')
    .option('--chaos', 'also run the fault experiments against the simulated engines, and a one-minute soak')
    .action(async (flags) => setExit(await (await import('./commands/demo.js')).demo(flags, signal)));

  program
    .command('report')
    .description('render a saved JSON report again, in any format')
    .argument('<result.json>', 'a report written with --format json or --out FILE.json')
    .option('-f, --format <format>', `stdout format: ${FORMAT_NAMES.join(', ')}`, 'table')
    .option('-o, --out <file>', `also write a report file (format from ${knownExtensions().join(' ')}, or FORMAT:PATH); repeatable`, collect, [])
    .option('--no-color', 'no ANSI colours')
    .action(async (file, flags) => setExit(await (await import('./commands/report.js')).report(file, flags)));

  program
    .command('compare')
    .description('compare two saved JSON reports; exit 1 when the current one regressed')
    .argument('<baseline.json>')
    .argument('<current.json>')
    .option('-f, --format <format>', 'table, markdown or json', 'table')
    .addOption(new Option('--max-p99-increase <percent>', 'p99 growth that counts as a regression').default(10).argParser(nonNegative))
    .addOption(new Option('--min-p99-increase <ms>', 'and the least p99 growth, in ms, that counts').default(1).argParser(nonNegative))
    .addOption(new Option('--max-rps-decrease <percent>', 'throughput drop that counts as a regression').default(10).argParser(nonNegative))
    .action(async (baseline, current, flags) => setExit(await (await import('./commands/compare.js')).compare(baseline, current, flags)));

  program
    .command('check')
    .description('validate a config file only (no network): exit 0 when valid, 2 with every problem located')
    .requiredOption('--config <file>', 'config file (YAML)', 'validate.yaml')
    .action(async (flags) => setExit(await (await import('./commands/check.js')).check(flags)));

  program
    .command('schema')
    .description('print the JSON Schema of the config file (for editor completion)')
    .action(async () => setExit(await (await import('./commands/schema.js')).schema()));

  program
    .command('init')
    .description('write a commented starter config')
    .argument('[file]', 'where to write it', 'validate.yaml')
    .option('--force', 'overwrite an existing file')
    .action(async (file, flags) => setExit(await (await import('./commands/init.js')).init(file, flags)));

  return program;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function durationArg(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) throw new InvalidArgumentError(`expected a duration like 500ms or 2s, found "${value}"`);
  if (ms > MAX_DURATION_MS) throw new InvalidArgumentError(`"${value}" is longer than 24 days, the longest wait a timer can take`);
  return ms;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number of at least 1, found "${value}"`);
  return n;
}

function nonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a number of at least 0, found "${value}"`);
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, found "${value}"`);
  return n;
}
