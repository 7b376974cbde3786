import { z } from 'zod';
import { targetBase } from '../config/fields.js';
import type { MetricSpec } from '../results/measurement.js';
import { checkAssertion, parseAssertion } from './body-assertions.js';
import { classifyError, endpointOf } from './classify-error.js';
import { fetchCapped } from './http-fetch.js';
import type { ProbeContext, ProbeKind, ProbeOutcome } from './types.js';

const assertion = z.string().superRefine((text, ctx) => {
  try {
    parseAssertion(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `invalid body assertion: ${(err as Error).message}` });
  }
});

const expectedStatus = z
  .union([z.number().int().min(100).max(599), z.string().regex(/^[1-5]xx$/, 'expected a status like 200 or "2xx"'), z.array(z.number().int().min(100).max(599)).min(1)])
  .default('2xx');

/** Fields shared by `http` and `engine` targets. */
export function httpFields(defaultPath: string | undefined) {
  return {
    ...targetBase(['http', 'https']),
    path: z.string().startsWith('/').optional().meta({ description: `Request path; replaces the URL's path${defaultPath ? ` (default ${defaultPath})` : ''}` }),
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'OPTIONS']).default('GET'),
    headers: z.record(z.string(), z.string()).default({}),
    expect: z
      .strictObject({
        status: expectedStatus,
        body: z.array(assertion).default([]).meta({ description: 'Assertions on the JSON body, e.g. "status == healthy"' }),
        contains: z.string().optional().meta({ description: 'Text the body must contain' }),
      })
      .default({ status: '2xx', body: [] }),
    maxBodyBytes: z.number().int().positive().default(1024 * 1024).meta({ description: 'Body bytes read at most; the rest is discarded' }),
    tlsVerify: z.boolean().default(true),
  };
}

const schema = z.strictObject({ kind: z.literal('http'), ...httpFields(undefined) });
export type HttpTarget = z.output<typeof schema>;

export const httpMetrics: Record<string, MetricSpec> = {
  status_code: { unit: 'number', aggregate: 'max', label: 'status' },
  ttfb_ms: { unit: 'ms', aggregate: 'max', label: 'ttfb' },
  body_bytes: { unit: 'bytes', aggregate: 'max', label: 'body' },
};

export function statusMatches(status: number, expected: HttpTarget['expect']['status']): boolean {
  if (typeof expected === 'number') return status === expected;
  if (Array.isArray(expected)) return expected.includes(status);
  return String(status)[0] === expected[0];
}

export function requestUrl(target: { url: string; path?: string }, defaultPath?: string): string {
  const u = new URL(target.url);
  const path = target.path ?? (u.pathname === '/' && defaultPath ? defaultPath : undefined);
  if (path) {
    const [p, q] = path.split('?');
    u.pathname = p;
    if (q !== undefined) u.search = q;
  }
  return u.toString();
}

/**
 * Runs one HTTP check. `inspect` lets the engine kind read its health document without duplicating
 * the request, status and assertion logic.
 */
export async function runHttp(
  target: HttpTarget | (Omit<HttpTarget, 'kind'> & { kind: string }),
  ctx: ProbeContext,
  defaultPath?: string,
  inspect?: (json: unknown, outcome: ProbeOutcome) => void,
): Promise<ProbeOutcome> {
  const url = requestUrl(target, defaultPath);
  const outcome: ProbeOutcome = { status: 'pass', latencyMs: null, details: {}, measurements: [] };
  let res;
  try {
    res = await fetchCapped({
      url,
      method: target.method,
      headers: target.headers,
      maxBodyBytes: target.maxBodyBytes,
      timeoutMs: ctx.timeoutMs,
      tlsVerify: target.tlsVerify,
      signal: ctx.signal,
      stage: ctx.stage,
    });
  } catch (err) {
    if (ctx.signal.aborted) throw err; // the runner words timeouts
    return { ...outcome, status: 'fail', error: classifyError(err, endpointOf(url, url.startsWith('https') ? 443 : 80)) };
  }
  outcome.latencyMs = res.totalMs;
  outcome.details = { status_code: res.status, body_truncated: res.truncated };
  outcome.measurements.push(
    { metric: 'status_code', value: res.status, unit: 'number' },
    { metric: 'ttfb_ms', value: res.ttfbMs, unit: 'ms' },
    { metric: 'body_bytes', value: res.body.length, unit: 'bytes' },
  );
  const problems: string[] = [];
  if (!statusMatches(res.status, target.expect.status)) {
    problems.push(`HTTP ${res.status}, expected ${Array.isArray(target.expect.status) ? target.expect.status.join(' or ') : target.expect.status}`);
  }
  const text = res.body.toString('utf8');
  if (target.expect.contains !== undefined && !text.includes(target.expect.contains)) {
    problems.push(`body does not contain "${target.expect.contains}"${res.truncated ? ` in its first ${target.maxBodyBytes} bytes` : ''}`);
  }
  let json: unknown;
  const wantsJson = target.expect.body.length > 0 || inspect;
  if (wantsJson && text.length > 0) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  for (const a of target.expect.body) {
    if (json === undefined) {
      problems.push(res.truncated ? `body is larger than maxBodyBytes (${target.maxBodyBytes}); cannot check "${a}"` : `body is not JSON; cannot check "${a}"`);
      break;
    }
    const why = checkAssertion(parseAssertion(a), json);
    if (why) problems.push(why);
  }
  if (inspect && json !== undefined) inspect(json, outcome);
  if (problems.length > 0 && outcome.status !== 'fail') {
    outcome.status = 'fail';
    outcome.error = problems.join('; ');
  } else if (problems.length > 0) {
    outcome.error = [outcome.error, ...problems].filter(Boolean).join('; ');
  }
  return outcome;
}

export const httpProbe: ProbeKind<HttpTarget> = {
  kind: 'http',
  aliases: [],
  schemes: ['http', 'https'],
  summary: 'Any HTTP endpoint: status, optional JSON body assertions, response time',
  schema,
  metrics: httpMetrics,
  run: (target, ctx) => runHttp(target, ctx),
};
