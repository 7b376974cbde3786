import { httpFactory } from '../load/http-connection.js';
import type { ConnectionFactory } from '../load/types.js';
import { bodyChecker, statusMatches, type Expectation } from '../protocols/http/expect.js';
import { requestUrl } from '../protocols/http/request-url.js';
import type { TargetBase } from '../fields/target.js';
import { redactUrl } from '../util/redact.js';

export interface HttpRequestConfig {
  target?: string;
  url?: string;
  path?: string;
  method: string;
  headers: Record<string, string>;
  body?: unknown;
  expect: Expectation;
}

/** Resolves a scenario's request against the config's targets into a connection factory. */
export function httpLoad(
  req: HttpRequestConfig,
  targets: Map<string, TargetBase>,
  timeoutMs: number,
): { factory: ConnectionFactory; url: string; describe: string } {
  let url: string;
  let headers = req.headers;
  if (req.target) {
    const t = targets.get(req.target) as (TargetBase & { path?: string; headers?: Record<string, string> }) | undefined;
    if (!t) throw new Error(`scenario target "${req.target}" is not a target of this config`); // the config check makes this unreachable
    url = requestUrl({ url: t.url, path: req.path ?? t.path }, t.kind === 'engine' ? '/health' : undefined);
    headers = { ...(t.headers ?? {}), ...req.headers };
  } else {
    url = req.path ? requestUrl({ url: req.url!, path: req.path }) : req.url!;
  }
  let body: string | undefined;
  if (req.body !== undefined) {
    body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    if (typeof req.body !== 'string' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers = { ...headers, 'content-type': 'application/json' };
  }
  const check = bodyChecker(req.expect);
  const checkBody = check ? (buf: Buffer) => check(buf, false)[0] : undefined;
  const expected = req.expect.status;
  const factory = httpFactory({ url, method: req.method, headers, body, timeoutMs, ok: (s) => statusMatches(s, expected), checkBody });
  return { factory, url, describe: `${req.method} ${redactUrl(url)}` };
}
