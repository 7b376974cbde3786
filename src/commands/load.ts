import type { Config } from '../config/config.js';
import { validateConfig } from '../config/validate.js';
import { ConfigError, UsageError } from '../errors.js';
import type { ExitCodeValue } from '../exit-codes.js';
import { execute } from '../run/execute.js';
import { DEFAULT_SUCCESS_PCT } from '../load/measure.js';
import { SECRETS } from '../util/redact.js';
import { note } from './say.js';
import { checkOutputs, emitReport, type OutputFlags } from './output.js';
import { loadProgress } from './progress.js';
import { checkWorkers, probesOnEveryShard, resolveShard, resolveStartAt, type ShardFlags } from './shard-flags.js';
import { runInWorkers } from '../run/workers.js';

export interface LoadFlags extends OutputFlags, ShardFlags {
  workers?: number;
  connections?: number;
  maxConnections?: number;
  duration?: number;
  /** Total requests (-a, as autocannon's --amount; --requests is the same). */
  amount?: number;
  requests?: number;
  /** wrk's and autocannon's --latency: the distribution, which --detail prints. */
  latency?: boolean;
  rate?: number;
  method: string;
  header?: string[];
  body?: string;
  timeout?: number;
  criteria?: string[];
  progress?: boolean;
  retries?: number;
}

const FLAG_OF: Record<string, string> = {
  url: 'URL',
  rate: '--rate',
  duration: '--duration',
  requests: '--amount',
  levels: '--connections',
  maxConnections: '--max-connections',
  method: '--method',
  headers: '--header',
  body: '--body',
  timeout: '--timeout',
};

/** A user criterion on these judges the errors itself, so the default error budget steps aside. */
const JUDGES_ERRORS = /\b(success_rate|errors|over_error_budget)\b/;

/** The config a `validate load` command line means: one scenario, the criteria given, the default error budget unless they judge errors. */
export function loadConfig(url: string, flags: LoadFlags): { config: Config; ownErrorCriteria: boolean } {
  const headers: Record<string, string> = {};
  for (const h of flags.header ?? []) {
    const i = h.indexOf(':');
    if (i <= 0) throw new UsageError(`--header "${h}": expected NAME: VALUE, e.g. --header "authorization: Bearer xyz"`);
    headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  const requests = flags.amount ?? flags.requests;
  if (flags.rate !== undefined && requests !== undefined)
    throw new UsageError('--amount (-a) goes with the closed model; with --rate, give --duration');
  if (flags.rate !== undefined && flags.connections !== undefined)
    throw new UsageError(
      "--connections is the closed model's users; with --rate, connections open as needed: cap them with --max-connections",
    );
  if (flags.rate === undefined && flags.maxConnections !== undefined)
    throw new UsageError('--max-connections goes with --rate (the open model); the closed model has exactly --connections users');
  // Durations go into the config as text with their unit, as a config file would write them.
  const ms = (n: number | undefined) => (n === undefined ? undefined : `${n}ms`);
  const duration = flags.duration ?? (requests === undefined ? 10_000 : undefined);
  const ownErrorCriteria = (flags.criteria ?? []).some((c) => JUDGES_ERRORS.test(c));
  const common = {
    name: 'load',
    url,
    method: flags.method.toUpperCase(),
    headers,
    body: flags.body,
    success: ownErrorCriteria ? 0 : DEFAULT_SUCCESS_PCT,
    ...(flags.timeout !== undefined && { timeout: ms(flags.timeout) }),
  };
  const scenario =
    flags.rate !== undefined
      ? {
          ...common,
          kind: 'rate',
          rate: flags.rate,
          duration: ms(duration ?? 10_000),
          ...(flags.maxConnections !== undefined && { maxConnections: flags.maxConnections }),
        }
      : { ...common, kind: 'concurrency', levels: [flags.connections ?? 10], duration: ms(duration), requests };
  const redactor = SECRETS;
  redactor.addFromUrl(url);
  let config: Config;
  try {
    config = validateConfig(
      { platform: 'ad-hoc load', scenarios: [scenario], criteria: flags.criteria ?? [] },
      'command line',
      () => ({}),
      redactor,
    );
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new ConfigError(
      err.issues.map((i) => ({ ...i, path: i.path.replace(/^scenarios\[0\]\.?(\w*).*$/, (_m, f: string) => FLAG_OF[f] ?? (f || 'load')) })),
    );
  }
  if (flags.retries !== undefined) config.retries = flags.retries;
  return { config, ownErrorCriteria };
}

/**
 * `validate load URL`: ad-hoc load like autocannon. Closed model with --connections (default), open
 * model with --rate. The output is the same report model, so every format works.
 */
export async function load(url: string, given: LoadFlags, signal: AbortSignal): Promise<ExitCodeValue> {
  const flags = given.latency ? { ...given, detail: true } : given;
  checkOutputs(flags);
  const { config, ownErrorCriteria } = loadConfig(url, flags);
  note(
    ownErrorCriteria
      ? 'validate: errors are judged by your --criteria (the default 99.9% success requirement is off)'
      : `validate: errors count: at least ${DEFAULT_SUCCESS_PCT}% of requests must succeed (criterion "Errors within budget"); judge them yourself with --criteria 'scenario.success_rate >= 99%'`,
  );
  const workers = checkWorkers(flags.workers, flags);
  if (workers) {
    return emitReport(await runInWorkers(config, workers, { signal, say: note, redactor: SECRETS }), flags);
  }
  const shard = resolveShard(flags);
  const startAt = resolveStartAt(flags);
  const progress = loadProgress(flags.progress ? 'always' : 'auto');
  const report = await execute(config, SECRETS, {
    signal,
    onScenarioStart: progress.onStart,
    shard,
    startAt,
    probesEverywhere: probesOnEveryShard(flags),
    say: note,
  });
  progress.end();
  return emitReport(report, flags);
}
