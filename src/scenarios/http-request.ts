import { UsageError } from '../errors.js';
import { httpFactory } from '../load/http-connection.js';
import type { ConnectionFactory } from '../load/types.js';
import { checkAssertion, parseAssertion } from '../probes/body-assertions.js';
import { requestUrl, statusMatches } from '../probes/http.js';
import type { TargetBase } from '../probes/types.js';
import { redactUrl } from '../util/redact.js';

export interface HttpRequestConfig {
  target?: string;
  url?: string;
  path?: string;
  method: string;
  headers: Record<string, string>;
  body?: unknown;
  expect: { status: number | string | number[]; body: string[] };
}

/** Resolves a scenario's request against the config's targets into a connection factory. */
export function httpLoad(req: HttpRequestConfig, targets: Map<string, TargetBase>, timeoutMs: number): { factory: ConnectionFactory; url: string; describe: string } {
  let url: string;
  let headers = req.headers;
  if (req.target) {
    const t = targets.get(req.target) as (TargetBase & { path?: string; headers?: Record<string, string> }) | undefined;
    if (!t) throw new UsageError(`scenario target "${req.target}" is not a target of this config`);
    url = requestUrl({ url: t.url, path: req.path ?? t.path }, t.kind === 'engine' ? '/health' : undefined);
    headers = { ...(t.headers ?? {}), ...req.headers };
  } else {
    url = req.path ? requestUrl({ url: req.url!, path: req.path }) : req.url!;
  }
  let body: string | undefined;
  if (req.body !== undefined) {
    body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    if (typeof req.body !== 'string' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers = { ...headers, 'content-type': 'application/json' };
  }
  const assertions = req.expect.body.map(parseAssertion);
  const checkBody = assertions.length
    ? (buf: Buffer) => {
        let json: unknown;
        try {
          json = JSON.parse(buf.toString('utf8'));
        } catch {
          return 'body is not JSON';
        }
        for (const a of assertions) {
          const why = checkAssertion(a, json);
          if (why) return why;
        }
        return undefined;
      }
    : undefined;
  const expected = req.expect.status as Parameters<typeof statusMatches>[1];
  const factory = httpFactory({ url, method: req.method, headers, body, timeoutMs, ok: (s) => statusMatches(s, expected), checkBody });
  return { factory, url, describe: `${req.method} ${redactUrl(url)}` };
}
