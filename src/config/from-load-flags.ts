import type { Config } from './config.js';
import { validateConfig } from './validate.js';
import { ConfigError, UsageError } from '../errors.js';
import { DEFAULT_SUCCESS_PCT } from '../load/measure.js';
import { SECRETS } from '../util/redact.js';

/** What `validate load` takes from its command line to make a config (the rest are the gate's flags). */
export interface LoadShape {
  connections?: number;
  maxConnections?: number;
  duration?: number;
  /** Total requests (-a, as autocannon's --amount; --requests is the same). */
  amount?: number;
  requests?: number;
  rate?: number;
  method: string;
  header?: string[];
  body?: string;
  timeout?: number;
  criteria?: string[];
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

/** `--header "name: value"`, repeated. */
function headersOf(given: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of given) {
    const i = h.indexOf(':');
    if (i <= 0) throw new UsageError(`--header "${h}": expected NAME: VALUE, e.g. --header "authorization: Bearer xyz"`);
    headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  return headers;
}

/** Flags of the closed model with --rate, or of the open model without it: refused, saying which goes with which. */
function checkModel(flags: LoadShape, requests: number | undefined): void {
  if (flags.rate !== undefined && requests !== undefined)
    throw new UsageError('--amount (-a) goes with the closed model; with --rate, give --duration');
  if (flags.rate !== undefined && flags.connections !== undefined)
    throw new UsageError(
      "--connections is the closed model's users; with --rate, connections open as needed: cap them with --max-connections",
    );
  if (flags.rate === undefined && flags.maxConnections !== undefined)
    throw new UsageError('--max-connections goes with --rate (the open model); the closed model has exactly --connections users');
}

/** The config a `validate load` command line means: one scenario, the criteria given, the default error budget unless they judge errors. */
export function loadConfig(url: string, flags: LoadShape): { config: Config; ownErrorCriteria: boolean } {
  const headers = headersOf(flags.header ?? []);
  const requests = flags.amount ?? flags.requests;
  checkModel(flags, requests);
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
