import type { Config } from './config.js';
import { validateConfig } from './validate.js';
import { ConfigError, UsageError } from '../errors.js';
import { PROBES } from '../probes/registry.js';
import { SECRETS, redactUrl, registerSecrets } from '../util/redact.js';

/** What `validate probe` takes from its command line to make a config: URLs, `--engine URL`, `--redis NAME=URL`, ... (one repeatable flag per kind). */
export interface ProbeShape {
  optional?: string[];
  criteria?: string[];
  timeout?: number;
  concurrency?: number;
}

export interface AdHocTarget {
  kind: string;
  name: string;
  url: string;
  required: boolean;
  /** What the user typed, to point errors at it. */
  arg: string;
}

/** The config the URLs and flags mean: a target each, the kind from its flag or its URL's scheme; errors point at the argument. */
export function probeConfig(urls: string[], flags: ProbeShape): { config: Config; targets: AdHocTarget[] } {
  const redactor = SECRETS;
  registerSecrets([urls, flags], redactor);
  const targets = adHocTargets(urls, flags);
  if (targets.length === 0)
    throw new UsageError(
      'nothing to probe: give URLs (e.g. validate probe redis://localhost:6379) or --engine/--redis/--postgres/--prometheus/--http NAME=URL',
    );
  const data = {
    platform: 'ad-hoc probe',
    defaults: {
      ...(flags.timeout !== undefined && { timeout: `${flags.timeout}ms` }),
      ...(flags.concurrency !== undefined && { concurrency: flags.concurrency }),
    },
    targets: targets.map(({ arg: _arg, ...t }) => t),
    criteria: flags.criteria ?? [],
  };
  try {
    return { config: validateConfig(data, 'command line', () => ({}), redactor), targets };
  } catch (err) {
    if (err instanceof ConfigError) throw pointAtArguments(err, targets);
    throw err;
  }
}

function kindFlag(flags: ProbeShape, kind: string): string[] {
  const v = (flags as Record<string, unknown>)[kind];
  return Array.isArray(v) ? v.map(String) : [];
}

export function adHocTargets(urls: string[], flags: ProbeShape): AdHocTarget[] {
  const out: AdHocTarget[] = [];
  const optional = new Set(flags.optional ?? []);
  const add = (kind: string | undefined, arg: string) => {
    const m = /^([A-Za-z_][A-Za-z0-9_-]*)=(.+)$/.exec(arg);
    const url = m ? m[2] : arg;
    const resolved = kind ?? kindFromScheme(url, arg);
    const name = m ? m[1] : uniqueName(defaultName(url, resolved), out);
    out.push({ kind: resolved, name, url, required: !optional.has(name), arg });
  };
  for (const u of urls) add(undefined, u);
  for (const k of PROBES) for (const a of kindFlag(flags, k.kind)) add(k.kind, a);
  for (const name of optional) {
    if (!out.some((t) => t.name === name)) throw new UsageError(`--optional ${name}: no target has that name; name targets with NAME=URL`);
  }
  return out;
}

function kindFromScheme(url: string, arg: string): string {
  let scheme: string;
  try {
    scheme = new URL(url).protocol.replace(/:$/, '');
  } catch {
    const hint = /:\/\/[^/]*:\S*@/.test(url)
      ? '; percent-encode the reserved characters of a password (/ is %2F, @ is %40)'
      : '; write e.g. redis://localhost:6379, postgres://localhost/app or http://localhost:8100/health';
    throw new UsageError(`"${redactUrl(arg)}" is not a URL${hint}`);
  }
  const kind = PROBES.find((p) => p.schemes.includes(scheme));
  if (!kind) {
    const schemes = PROBES.flatMap((p) => p.schemes);
    throw new UsageError(
      `cannot tell what "${redactUrl(arg)}" is from its scheme "${scheme}:"; known schemes: ${schemes.join(', ')}; or use --engine/--prometheus/... NAME=URL`,
    );
  }
  return kind.kind;
}

function defaultName(url: string, kind: string): string {
  try {
    const u = new URL(url);
    // pidfile:///run/risk.pid has no host: the file's name says what it is.
    // An address says nothing a person can use in a criterion: the kind does (redis-6379).
    const ip = /^[\d.]+$|^\[/.test(u.hostname);
    const base =
      (ip ? kind : u.hostname) ||
      u.pathname
        .split('/')
        .pop()
        ?.replace(/\.\w+$/, '') ||
      kind;
    return `${base.replace(/[^A-Za-z0-9_-]/g, '_')}-${u.port || kind}`.replace(/^[^A-Za-z_]/, (c) => `_${c}`);
  } catch {
    return kind;
  }
}

function uniqueName(base: string, taken: AdHocTarget[]): string {
  let name = base;
  for (let i = 2; taken.some((t) => t.name === name); i++) name = `${base}-${i}`;
  return name;
}

/** Config issues name `targets[3].url`; on the command line the user needs to see the argument. */
function pointAtArguments(err: ConfigError, targets: AdHocTarget[]): ConfigError {
  return new ConfigError(
    err.issues.map((i) => {
      const m = /^targets\[(\d+)\]\.?(.*)$/.exec(i.path);
      if (!m) return i;
      const t = targets[Number(m[1])];
      return { ...i, path: `${m[2] || 'target'} of "${redactUrl(t.arg)}"` };
    }),
  );
}
