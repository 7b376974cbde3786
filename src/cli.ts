import { Command, InvalidArgumentError, Option } from 'commander';
import { examplesText } from './cli-examples.js';
import { setQuiet } from './util/say.js';
import { withForeignFlagHint } from './commands/foreign-flags.js';
import { UsageError } from './errors.js';
import { EXIT_WORDS, type ExitCodeValue } from './exit-codes.js';
import { FORMAT_NAMES, knownExtensions } from './reports/formats.js';
import { durationProblem, MAX_DURATION_MS, parseDuration } from './util/duration.js';
import { toolVersion } from './version.js';

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

  loading(sharded(gate(program.command('run'), 'validate a platform described by a config file')))
    .argument('[config]', 'the config file (YAML), or - for stdin; default validate.yaml')
    .option('--config <file>', 'the same, as an option')
    .option('--chaos', 'run the fault experiments (destructive: restarts, disconnects)')
    .addOption(
      new Option(
        '-w, --wait <duration>',
        'before judging, re-probe until the required targets pass, for at most this long (after a deploy)',
      ).argParser(durationArg),
    )
    .option('--dry-run', 'say what would be probed, loaded and injected, and do nothing')
    .option('--history <place>', 'keep the run in a history: a folder (e.g. .validate/history) or postgres://... (also VALIDATE_HISTORY)')
    .option('--label <name=value>', 'a label the run is kept with in the history, e.g. env=staging; repeatable', collect, [])
    .option('--keep <runs|age>', 'prune the history to the newest N runs (400) or to an age (90d, 12w, 1y)')
    .option('--push <url>', "send the run's metrics to a Prometheus Pushgateway (job validate, grouped by platform and --label)")
    .option(
      '--push-header <header>',
      'a header the push sends, "name: value" (a gateway behind a token); repeatable, never printed',
      collect,
      [],
    )
    .option(
      '--notify <url>',
      'post the verdict, its blockers and the report files to a webhook (Slack incoming webhook, or JSON to any other; slack:URL or json:URL to choose); repeatable',
      collect,
      [],
    )
    .option('--notify-on <when>', "problems (NO-GO or INCONCLUSIVE, the default), change (from the history's last run) or always")
    .option('--history-required', 'exit 4 when the run cannot be kept in its history (by default: one line, the verdict decides)')
    .action(async (file, flags) =>
      setExit(await (await import('./commands/run.js')).run({ ...flags, config: configFile(file, flags.config) }, signal)),
    );

  const probes = sub === 'probe' ? (await import('./probes/registry.js')).PROBES : [];
  const schemes = probes.flatMap((k) => k.schemes.map((s) => `${s}://`));
  const probe = gate(program.command('probe'), 'probe services given on the command line, no config needed').argument(
    '[url...]',
    `URLs; the kind comes from the scheme${schemes.length ? ` (${schemes.join(', ')})` : ''}`,
  );
  for (const k of probes) probe.option(`--${k.kind} <[name=]url>`, `${k.summary}; repeatable`, collect, []);
  probe
    .option('--optional <name>', 'a target whose failure alone does not make NO-GO; repeatable', collect, [])
    .option('--criteria <expression>', 'a go-live criterion, e.g. "engines.available >= 90%"; repeatable', collect, [])
    .addOption(
      new Option('-w, --wait <duration>', 'before judging, re-probe until the required targets pass, for at most this long').argParser(
        durationArg,
      ),
    )
    .action(async (urls, flags) => setExit(await (await import('./commands/probe.js')).probe(urls, flags, signal)));

  // The flags a load tester types first (autocannon's and wrk's), then the ones every reporting command shares.
  const load = program
    .command('load')
    .argument('<url>', 'the URL to load')
    .addOption(new Option('-c, --connections <n>', 'closed model: users sending back to back (default 10)').argParser(positiveInt))
    .addOption(
      new Option('-d, --duration <duration>', 'how long: 30s, 2m, or bare seconds as autocannon and wrk take them (default 10s)').argParser(
        secondsArg,
      ),
    )
    .addOption(new Option('-a, --amount <n>', 'closed model: total requests, instead of a duration').argParser(positiveInt))
    .addOption(new Option('--requests <n>', 'the same as --amount').argParser(positiveInt).hideHelp())
    .addOption(
      new Option('-R, --rate <n>', 'requests per second: the open model, latency from each scheduled time').argParser(positiveNumber),
    )
    .addOption(
      new Option('--max-connections <n>', 'open model: connections opened as needed, at most this many (default 1000)').argParser(
        positiveInt,
      ),
    )
    .option('-m, --method <method>', 'HTTP method', 'GET')
    .option('-H, --header <header>', 'a request header, "name: value"; repeatable', collect, [])
    .option('-b, --body <body>', 'request body')
    .addOption(
      new Option('-t, --timeout <duration>', 'per-request timeout, or bare seconds as autocannon takes it (default 10s)').argParser(
        secondsArg,
      ),
    )
    .option('-l, --latency', 'print the latency distribution and every other table (as --detail)')
    .option(
      '--criteria <expression>',
      'a criterion, e.g. "scenario.p99_ms < 50ms"; repeatable (one on success_rate replaces the default 99.9%)',
      collect,
      [],
    )
    .option('--progress', 'print progress even when stderr is not a terminal (a line a second)');
  loading(sharded(reporting(load, 'load one URL, like autocannon: the closed model with --connections, the open model with --rate')))
    .configureOutput({ outputError: (message, write) => write(withForeignFlagHint(message)) })
    .action(async (url, flags) => {
      (await import('./commands/warm.js')).warmLoadThread();
      setExit(await (await import('./commands/load.js')).load(url, flags, signal));
    });

  loading(
    reporting(
      program.command('demo'),
      'start a simulated trading platform, with a Redis and a PostgreSQL of its own (private, on free ports, removed after), and validate it',
    ),
  )
    .option('--chaos', 'also run the fault experiments against the simulated engines and its own servers, and a one-minute soak')
    .option('--redis <url>', "use this Redis instead of the demo's own (it writes demo:* keys; --chaos kills its clients)")
    .option('--postgres <url>', "use this PostgreSQL instead of the demo's own (--chaos terminates the demo's sessions)")
    .addOption(new Option('--workers <n>', 'run the load as n shards in worker threads of this process, merged').argParser(positiveInt))
    .action(async (flags) => {
      (await import('./commands/warm.js')).warmLoadThread();
      setExit(await (await import('./commands/demo.js')).demo(flags, signal));
    });

  reporting(program.command('report'), 'render a saved JSON report again, in any format (exits 0 when it rendered)')
    .argument('<result.json>', 'a report written with --format json or --out FILE.json')
    .action(async (file, flags) => setExit(await (await import('./commands/report.js')).report(file, flags)));

  reporting(program.command('merge'), 'merge the JSON reports of a sharded run (--shard i/n) into one report and one verdict')
    .argument('<shard.json...>', "every shard's JSON report")
    .option('--config <file>', "judge with this config's criteria (it must be the load the shards ran)")
    .option('--allow-partial', 'a missing shard is a warning, not NO-GO')
    .action(async (files, flags) => setExit(await (await import('./commands/merge.js')).merge(files, flags)));

  described(
    program.command('compare'),
    'compare a run with a baseline (a saved JSON report, or the last GO runs of a history); exit 1 when it regressed',
  )
    .argument(
      '[reports...]',
      'BASELINE.json CURRENT.json; with --baseline, CURRENT.json alone (the newest run of the history when left out)',
    )
    .option('--baseline <file|history>', 'a saved report, or history: the last GO runs of --history before the current run')
    .option('--history <place>', 'with --baseline history: a folder or a postgres:// URL (default VALIDATE_HISTORY)')
    .addOption(new Option('--last <n>', 'with --baseline history: how many GO runs (default 10)').argParser(positiveInt))
    .option('--label <name=value>', 'with --baseline history: only runs with this label; repeatable', collect, [])
    .option('-f, --format <format>', 'table, markdown or json', 'table')
    .option('-o, --out <file>', 'also write the comparison (format from .md .json .txt, or FORMAT:PATH); repeatable', collect, [])
    .option('--no-color', 'no ANSI colours (also NO_COLOR=1)')
    .addOption(new Option('--max-p99-increase <percent>', 'p99 growth that counts as a regression').default(10).argParser(nonNegative))
    .addOption(new Option('--min-p99-increase <ms>', 'and the least p99 growth, in ms, that counts').default(1).argParser(nonNegative))
    .addOption(new Option('--max-rps-decrease <percent>', 'throughput drop that counts as a regression').default(10).argParser(nonNegative))
    .action(async (reports, flags) => setExit(await (await import('./commands/compare.js')).compare(reports, flags)));

  described(program.command('history'), 'the runs a history keeps (validate run --history PLACE), one row each, oldest first')
    .argument('[place]', 'a folder or a postgres:// URL (default VALIDATE_HISTORY)')
    .option('-f, --format <format>', 'table, markdown or json', 'table')
    .addOption(new Option('--last <n>', 'the newest n runs (default 30)').argParser(positiveInt))
    .option('--label <name=value>', 'only runs with this label; repeatable (all must match)', collect, [])
    .action(async (place, flags) => setExit(await (await import('./commands/history.js')).history(place, flags)));

  described(
    program.command('trend'),
    'each measurement across the runs of a history, with its change points (where a level shifted, and by how much)',
  )
    .argument('[place]', 'a folder or a postgres:// URL (default VALIDATE_HISTORY)')
    .option('-f, --format <format>', 'table, markdown or json', 'table')
    .option('-o, --out <file>', 'write it to a file instead: trend.html (a chart per series), .md or .json')
    .addOption(new Option('--last <n>', 'the newest n runs (default 90)').argParser(positiveInt))
    .option('--label <name=value>', 'only runs with this label; repeatable (all must match)', collect, [])
    .option('--all', 'list the steady series too (by default the table lists the series that moved, and counts the rest)')
    .action(async (place, flags) => setExit(await (await import('./commands/trend.js')).trend(place, flags)));

  described(program.command('check'), 'validate a config file only (no network): exit 0 when valid, 2 with every problem located')
    .argument('[config]', 'the config file (YAML), or - for stdin; default validate.yaml')
    .option('--config <file>', 'the same, as an option')
    .action(async (file, flags) => setExit(await (await import('./commands/check.js')).check({ config: configFile(file, flags.config) })));

  described(program.command('schema'), 'print a JSON Schema: of the config (for editors) or of the JSON report (for tools that read it)')
    .argument('[which]', 'config or report', 'config')
    .action(async (which) => setExit(await (await import('./commands/schema.js')).schema(which)));

  described(program.command('alerts'), 'write the go-live criteria as Prometheus alerting rules (a rules file promtool checks)')
    .argument('[config]', 'the config file (YAML), or - for stdin; default validate.yaml')
    .option('--config <file>', 'the same, as an option')
    .option('-o, --out <file>', 'write the rules file here (atomically) instead of stdout')
    .action(async (file, flags) =>
      setExit(await (await import('./commands/alerts.js')).alerts({ config: configFile(file, flags.config), out: flags.out })),
    );

  described(program.command('init'), 'write a commented starter config (and the JSON Schema editors complete it from)')
    .argument('[file]', 'where to write it', 'validate.yaml')
    .option('--from-probe <url...>', 'probe these URLs and write a starter with them as targets, a latency scenario and a commented fault')
    .option('--force', 'overwrite an existing file')
    .action(async (file, flags) => setExit(await (await import('./commands/init.js')).init(file, flags, signal)));

  return program;
}

/** A command's description, its Examples, and usage errors that point at its own help. */
function described(cmd: Command, description: string): Command {
  return cmd
    .description(description)
    .showHelpAfterError(`(run validate ${cmd.name()} --help for usage)`)
    .addHelpText('after', examplesText(cmd.name()));
}

/** A command that writes a report: where it goes and how it looks. */
function reporting(cmd: Command, description: string): Command {
  return described(cmd, description)
    .option('-f, --format <format>', `stdout format: ${FORMAT_NAMES.join(', ')}`, 'table')
    .option(
      '-o, --out <file>',
      `also write a report file (format from ${knownExtensions().join(' ')}, or FORMAT:PATH; {date} {verdict} ... expand); repeatable`,
      collect,
      [],
    )
    .option('--no-color', 'no ANSI colours (also NO_COLOR=1)')
    .option('--detail', 'every table in the terminal output, not only the summary (the .md and .html reports always have them)')
    .option('-q, --quiet', 'print only what blocks GO: nothing at all on a GO (files and exit code only)');
}

/** `validate load`'s durations: a bare number is seconds, as autocannon and wrk read `-d 10`. */
function secondsArg(value: string): number {
  return durationArg(/^\s*\d+(\.\d+)?\s*$/.test(value) ? `${value.trim()}s` : value);
}

/** A command that probes targets: reporting, plus the probes' own timeout and concurrency. */
function gate(cmd: Command, description: string): Command {
  return reporting(cmd, description)
    .addOption(new Option('-t, --timeout <duration>', 'per-probe timeout, e.g. 2s').argParser(durationArg))
    .addOption(new Option('-c, --concurrency <n>', 'probes in flight at once').argParser(positiveInt))
    .option('--progress', 'print progress even when stderr is not a terminal (a line per probe, a line a second per load)');
}

/** A command that runs load: how often a result the generator could not vouch for is measured again. */
function loading(cmd: Command): Command {
  return cmd.addOption(
    new Option(
      '--retries <n>',
      "measure a scenario again when its generator could not vouch for a result (INVALID), at most n times (default 1, or the config's generator.retries)",
    ).argParser(nonNegativeInt),
  );
}

/** A command whose load can be one shard of several processes, merged after by `validate merge`. */
function sharded(cmd: Command): Command {
  return cmd
    .option(
      '--shard <i/n>',
      'run shard i of n: every n-th arrival of the one schedule, 1/n of the users (also JOB_COMPLETION_INDEX with --shards)',
    )
    .addOption(
      new Option('--shards <n>', "how many shards, with a Kubernetes Indexed Job's JOB_COMPLETION_INDEX (also VALIDATE_SHARDS)").argParser(
        positiveInt,
      ),
    )
    .option('--start-at <iso-time>', 'start the load at this instant (every shard the same), e.g. 2026-11-26T10:00:00Z')
    .option('--shard-probes <first|every>', 'which shards probe the targets (faults run on shard 1 only)', 'first')
    .addOption(
      new Option('--workers <n>', 'run the load as n shards in worker threads of this process, merged: one generator on n cores').argParser(
        positiveInt,
      ),
    );
}

/** The config named as an argument (`validate run platform.yaml`) or with --config; not both differently. */
function configFile(arg: string | undefined, option: string | undefined): string {
  if (arg && option && arg !== option) throw new UsageError(`two configs given (${arg} and --config ${option}); give one`);
  return arg ?? option ?? 'validate.yaml';
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function durationArg(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError(durationProblem(value));
  if (ms <= 0) throw new InvalidArgumentError('expected a duration longer than 0, like 500ms or 2s');
  if (ms > MAX_DURATION_MS) throw new InvalidArgumentError(`"${value}" is longer than 24 days, the longest wait a timer can take`);
  return ms;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number of at least 1, found "${value}"`);
  return n;
}

function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 10) throw new InvalidArgumentError(`expected a whole number from 0 to 10, found "${value}"`);
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
