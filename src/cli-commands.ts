import { Command, Option } from 'commander';
import { withForeignFlagHint } from './commands/foreign-flags.js';
import type { ExitCodeValue } from './exit-codes.js';
import {
  collect,
  configFile,
  described,
  durationArg,
  gate,
  loading,
  nonNegative,
  positiveInt,
  positiveNumber,
  reporting,
  secondsArg,
  sharded,
} from './cli-flags.js';

/** What every command's action needs: the run's abort signal, and where its exit code goes. */
export interface CommandContext {
  signal: AbortSignal;
  setExit: (code: ExitCodeValue) => void;
}

/** `validate run`: a platform from its config file. */
export function runCommand(program: Command, c: CommandContext): void {
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
      c.setExit(await (await import('./commands/run.js')).run({ ...flags, config: configFile(file, flags.config) }, c.signal)),
    );
}

/** `validate probe`: targets from the command line; a flag per probe kind, read from the registry only when it is the command given. */
export async function probeCommand(program: Command, c: CommandContext, sub: string | undefined): Promise<void> {
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
    .action(async (urls, flags) => c.setExit(await (await import('./commands/probe.js')).probe(urls, flags, c.signal)));
}

/** `validate load`: one URL, with the flags a load tester types first (autocannon's and wrk's), then the ones every reporting command shares. */
export function loadCommand(program: Command, c: CommandContext): void {
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
      c.setExit(await (await import('./commands/load.js')).load(url, flags, c.signal));
    });
}

/** `validate demo`: the simulated trading platform. */
export function demoCommand(program: Command, c: CommandContext): void {
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
      c.setExit(await (await import('./commands/demo.js')).demo(flags, c.signal));
    });
}

/** `validate report`, `merge` and `compare`: saved reports rendered again, merged, compared. */
export function reportCommands(program: Command, c: CommandContext): void {
  reporting(program.command('report'), 'render a saved JSON report again, in any format (exits 0 when it rendered)')
    .argument('<result.json>', 'a report written with --format json or --out FILE.json')
    .action(async (file, flags) => c.setExit(await (await import('./commands/report.js')).report(file, flags)));

  reporting(program.command('merge'), 'merge the JSON reports of a sharded run (--shard i/n) into one report and one verdict')
    .argument('<shard.json...>', "every shard's JSON report")
    .option('--config <file>', "judge with this config's criteria (it must be the load the shards ran)")
    .option('--allow-partial', 'a missing shard is a warning, not NO-GO')
    .action(async (files, flags) => c.setExit(await (await import('./commands/merge.js')).merge(files, flags)));

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
    .action(async (reports, flags) => c.setExit(await (await import('./commands/compare.js')).compare(reports, flags)));
}

/** `validate history` and `trend`: the runs a history keeps. */
export function historyCommands(program: Command, c: CommandContext): void {
  described(program.command('history'), 'the runs a history keeps (validate run --history PLACE), one row each, oldest first')
    .argument('[place]', 'a folder or a postgres:// URL (default VALIDATE_HISTORY)')
    .option('-f, --format <format>', 'table, markdown or json', 'table')
    .addOption(new Option('--last <n>', 'the newest n runs (default 30)').argParser(positiveInt))
    .option('--label <name=value>', 'only runs with this label; repeatable (all must match)', collect, [])
    .action(async (place, flags) => c.setExit(await (await import('./commands/history.js')).history(place, flags)));

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
    .action(async (place, flags) => c.setExit(await (await import('./commands/trend.js')).trend(place, flags)));
}

/** `validate check`, `schema`, `alerts` and `init`: a config checked, described, turned into rules, started. */
export function configCommands(program: Command, c: CommandContext): void {
  described(program.command('check'), 'validate a config file only (no network): exit 0 when valid, 2 with every problem located')
    .argument('[config]', 'the config file (YAML), or - for stdin; default validate.yaml')
    .option('--config <file>', 'the same, as an option')
    .action(async (file, flags) =>
      c.setExit(await (await import('./commands/check.js')).check({ config: configFile(file, flags.config) })),
    );

  described(program.command('schema'), 'print a JSON Schema: of the config (for editors) or of the JSON report (for tools that read it)')
    .argument('[which]', 'config or report', 'config')
    .action(async (which) => c.setExit(await (await import('./commands/schema.js')).schema(which)));

  described(program.command('alerts'), 'write the go-live criteria as Prometheus alerting rules (a rules file promtool checks)')
    .argument('[config]', 'the config file (YAML), or - for stdin; default validate.yaml')
    .option('--config <file>', 'the same, as an option')
    .option('-o, --out <file>', 'write the rules file here (atomically) instead of stdout')
    .action(async (file, flags) =>
      c.setExit(await (await import('./commands/alerts.js')).alerts({ config: configFile(file, flags.config), out: flags.out })),
    );

  described(program.command('init'), 'write a commented starter config (and the JSON Schema editors complete it from)')
    .argument('[file]', 'where to write it', 'validate.yaml')
    .option('--from-probe <url...>', 'probe these URLs and write a starter with them as targets, a latency scenario and a commented fault')
    .option('--force', 'overwrite an existing file')
    .action(async (file, flags) => c.setExit(await (await import('./commands/init.js')).init(file, flags, c.signal)));
}
