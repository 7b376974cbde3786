import { Command, InvalidArgumentError, Option } from 'commander';
import { examplesText } from './cli-examples.js';
import { UsageError } from './errors.js';
import { FORMAT_NAMES, knownExtensions } from './reports/formats.js';
import { durationProblem, MAX_DURATION_MS, parseDuration } from './util/duration.js';

/** A command's description, its Examples, and usage errors that point at its own help. */
export function described(cmd: Command, description: string): Command {
  return cmd
    .description(description)
    .showHelpAfterError(`(run validate ${cmd.name()} --help for usage)`)
    .addHelpText('after', examplesText(cmd.name()));
}

/** A command that writes a report: where it goes and how it looks. */
export function reporting(cmd: Command, description: string): Command {
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
export function secondsArg(value: string): number {
  return durationArg(/^\s*\d+(\.\d+)?\s*$/.test(value) ? `${value.trim()}s` : value);
}

/** A command that probes targets: reporting, plus the probes' own timeout and concurrency. */
export function gate(cmd: Command, description: string): Command {
  return reporting(cmd, description)
    .addOption(new Option('-t, --timeout <duration>', 'per-probe timeout, e.g. 2s').argParser(durationArg))
    .addOption(new Option('-c, --concurrency <n>', 'probes in flight at once').argParser(positiveInt))
    .option('--progress', 'print progress even when stderr is not a terminal (a line per probe, a line a second per load)');
}

/** A command that runs load: how often a result the generator could not vouch for is measured again. */
export function loading(cmd: Command): Command {
  return cmd.addOption(
    new Option(
      '--retries <n>',
      "measure a scenario again when its generator could not vouch for a result (INVALID), at most n times (default 1, or the config's generator.retries)",
    ).argParser(nonNegativeInt),
  );
}

/** A command whose load can be one shard of several processes, merged after by `validate merge`. */
export function sharded(cmd: Command): Command {
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
export function configFile(arg: string | undefined, option: string | undefined): string {
  if (arg && option && arg !== option) throw new UsageError(`two configs given (${arg} and --config ${option}); give one`);
  return arg ?? option ?? 'validate.yaml';
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function durationArg(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined) throw new InvalidArgumentError(durationProblem(value));
  if (ms <= 0) throw new InvalidArgumentError('expected a duration longer than 0, like 500ms or 2s');
  if (ms > MAX_DURATION_MS) throw new InvalidArgumentError(`"${value}" is longer than 24 days, the longest wait a timer can take`);
  return ms;
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number of at least 1, found "${value}"`);
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 10) throw new InvalidArgumentError(`expected a whole number from 0 to 10, found "${value}"`);
  return n;
}

export function nonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a number of at least 0, found "${value}"`);
  return n;
}

export function positiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a positive number, found "${value}"`);
  return n;
}
