import type { Config } from '../config/config.js';
import { validateConfig } from '../config/validate.js';
import { ConfigError, UsageError } from '../errors.js';
import type { ExitCodeValue } from '../exit-codes.js';
import { execute } from '../run/execute.js';
import { Redactor } from '../util/redact.js';
import { checkOutputs, emitReport, type OutputFlags } from './output.js';
import { loadProgress } from './progress.js';

export interface LoadFlags extends OutputFlags {
  connections: number;
  duration?: number;
  requests?: number;
  rate?: number;
  method: string;
  header?: string[];
  body?: string;
  timeout?: number;
  criteria?: string[];
  progress?: boolean;
}

const FLAG_OF: Record<string, string> = { url: 'URL', rate: '--rate', duration: '--duration', requests: '--requests', levels: '--connections', connections: '--connections', method: '--method', headers: '--header', body: '--body', timeout: '--timeout' };

/**
 * `validate load URL`: ad-hoc load like autocannon. Closed model with --connections (default), open
 * model with --rate. The output is the same report model, so every format works.
 */
export async function load(url: string, flags: LoadFlags, signal: AbortSignal): Promise<ExitCodeValue> {
  checkOutputs(flags);
  const headers: Record<string, string> = {};
  for (const h of flags.header ?? []) {
    const i = h.indexOf(':');
    if (i <= 0) throw new UsageError(`--header "${h}": expected NAME: VALUE, e.g. --header "authorization: Bearer xyz"`);
    headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
  }
  if (flags.rate !== undefined && flags.requests !== undefined) throw new UsageError('--requests goes with the closed model; with --rate, give --duration');
  const duration = flags.duration ?? (flags.requests === undefined ? 10_000 : undefined);
  const common = { name: 'load', url, method: flags.method.toUpperCase(), headers, body: flags.body, ...(flags.timeout !== undefined && { timeout: flags.timeout }) };
  const scenario =
    flags.rate !== undefined
      ? { ...common, kind: 'rate', rate: flags.rate, duration: duration ?? 10_000, connections: flags.connections }
      : { ...common, kind: 'concurrency', levels: [flags.connections], duration, requests: flags.requests };
  const redactor = new Redactor();
  redactor.addFromUrl(url);
  let config: Config;
  try {
    config = validateConfig({ platform: 'ad-hoc load', scenarios: [scenario], criteria: flags.criteria ?? [] }, 'command line', () => ({}), redactor);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    throw new ConfigError(err.issues.map((i) => ({ ...i, path: i.path.replace(/^scenarios\[0\]\.?(\w*).*$/, (_m, f: string) => FLAG_OF[f] ?? (f || 'load')) })));
  }
  const progress = loadProgress(flags.progress ? 'always' : 'auto');
  const report = await execute(config, redactor, { signal, onScenarioStart: progress.onStart });
  progress.end();
  return emitReport(report, flags);
}
