import { z } from 'zod';
import { requestPath, targetBase } from '../fields/fields.js';
import { bodyChecker, describeExpected, expectSchema, statusMatches } from '../protocols/http/expect.js';
import { requestUrl } from '../protocols/http/request-url.js';
import { SPEAKS_TLS, speaksTls } from '../protocols/http/speaks-tls.js';
import type { Measurement, MetricSpec } from '../results/measurement.js';
import { classifyError, endpointOf } from '../protocols/network-errors.js';
import { fetchCapped, jsonOf, type FetchResult } from '../protocols/http/fetch.js';
import { CERTIFICATE_METRICS, certificateField, judgeCertificate } from './tls-posture.js';
import { defineProbe, type ProbeContext, type ProbeOutcome } from './types.js';

/** Fields shared by `http` and `engine` targets. */
export function httpFields(defaultPath: string | undefined) {
  return {
    ...targetBase(['http', 'https']),
    path: requestPath
      .optional()
      .meta({ description: `Request path; replaces the URL's path${defaultPath ? ` (default ${defaultPath})` : ''}` }),
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'OPTIONS']).default('GET'),
    headers: z.record(z.string(), z.string()).default({}),
    expect: expectSchema,
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(1024 * 1024)
      .meta({ description: 'Body bytes read at most; the rest is discarded' }),
    tlsVerify: z.boolean().default(true),
    certificate: certificateField,
  };
}

const schema = z.strictObject({ kind: z.literal('http'), ...httpFields(undefined) });
export type HttpTarget = z.output<typeof schema>;

export const httpMetrics: Record<string, MetricSpec> = {
  status_code: { unit: 'number', aggregate: 'max', label: 'status' },
  ttfb_ms: { unit: 'ms', aggregate: 'max', label: 'ttfb' },
  connect_ms: { unit: 'ms', aggregate: 'max', label: 'connect' },
  tls_ms: { unit: 'ms', aggregate: 'max', label: 'TLS handshake' },
  first_response_ms: { unit: 'ms', aggregate: 'max', label: 'first response' },
  body_bytes: { unit: 'bytes', aggregate: 'max', label: 'body' },
  ...CERTIFICATE_METRICS,
  // https only: how long browsers must keep to https (Strict-Transport-Security max-age); 0 without the header.
  hsts_max_age_s: {
    unit: 'seconds',
    aggregate: 'min',
    label: 'HSTS max-age',
    evidence: { requirement: 'security', words: 'shortest HSTS max-age', worst: 'min', unit: 's' },
  },
};

/** max-age of a Strict-Transport-Security header (RFC 6797); 0 when absent or unreadable, as a browser treats it. */
export function hstsMaxAge(header: string | string[] | undefined): number {
  const first = Array.isArray(header) ? header[0] : header;
  const m = /(?:^|;)\s*max-age\s*=\s*"?(\d+)"?\s*(?:;|$)/i.exec(first ?? '');
  return m ? Number(m[1]) : 0;
}

/**
 * An HTTP service in production as Prometheus usually sees it: `up` for its scrape job, and the request
 * duration histogram most HTTP instrumentation exports (its p99, in ms).
 */
export const HTTP_PROMQL: Record<string, string> = {
  available: '100 * up{job="$target"}',
  latency_ms: '1000 * histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job="$target"}[5m])))',
};

/** Methods that may be sent twice to time a warm connection. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Runs one HTTP check. `inspect` lets the engine kind read its health document without duplicating
 * the request, status and assertion logic. The response time (`latency_ms`) is that of a warm
 * connection: connect, TLS and the first request are reported on their own.
 */
export async function runHttp(
  target: HttpTarget | (Omit<HttpTarget, 'kind'> & { kind: string }),
  ctx: ProbeContext,
  defaultPath?: string,
  inspect?: (json: unknown, outcome: ProbeOutcome) => void,
): Promise<ProbeOutcome> {
  const url = requestUrl(target, defaultPath);
  let res: FetchResult;
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
      warm: !ctx.liveness && IDEMPOTENT.has(target.method),
    });
  } catch (err) {
    if (ctx.signal.aborted) throw err; // the runner words timeouts
    const at = endpointOf(url, url.startsWith('https') ? 443 : 80);
    const cause = classifyError(err, at);
    // Plain HTTP to a TLS port reads as a reset or as not HTTP; one handshake tells which.
    const tls =
      url.startsWith('http:') && /^(connection reset|not HTTP)/.test(cause) && (await speaksTls(String(at.host), Number(at.port)));
    return {
      status: 'fail',
      latencyMs: null,
      error: tls ? `${SPEAKS_TLS.replace('https://', `https://${at.host}:${at.port}`)} (${cause})` : cause,
      details: {},
      measurements: [],
    };
  }
  const outcome: ProbeOutcome = {
    status: 'pass',
    latencyMs: res.warmMs ?? res.firstMs,
    details: { status_code: res.status, body_truncated: res.truncated },
    measurements: timings(res),
  };
  const problems: string[] = [];
  if (!statusMatches(res.status, target.expect.status))
    problems.push(`HTTP ${res.status}, expected ${describeExpected(target.expect.status)}`);
  problems.push(...(bodyChecker(target.expect)?.(res.body, res.truncated) ?? []));
  if (res.tls) {
    judgeCertificate(res.tls, target.certificate, outcome);
    outcome.measurements.push({ metric: 'hsts_max_age_s', value: hstsMaxAge(res.headers['strict-transport-security']), unit: 'seconds' });
  } else outcome.measurements.push({ metric: 'tls_enabled', value: 0, unit: 'count' });
  if (inspect) inspect(jsonOf(res.body), outcome);
  if (problems.length > 0) {
    outcome.error = [outcome.status === 'fail' ? outcome.error : undefined, ...problems].filter(Boolean).join('; ');
    outcome.status = 'fail';
  }
  return outcome;
}

function timings(res: FetchResult): Measurement[] {
  const m: Measurement[] = [
    { metric: 'status_code', value: res.status, unit: 'number' },
    { metric: 'connect_ms', value: res.connectMs, unit: 'ms' },
    { metric: 'ttfb_ms', value: res.ttfbMs, unit: 'ms' },
    { metric: 'first_response_ms', value: res.firstMs, unit: 'ms' },
    { metric: 'body_bytes', value: res.body.length, unit: 'bytes' },
  ];
  if (res.tlsMs !== undefined) m.push({ metric: 'tls_ms', value: res.tlsMs, unit: 'ms' });
  return m;
}

export const httpProbe = defineProbe<HttpTarget>({
  kind: 'http',
  aliases: [],
  schemes: ['http', 'https'],
  ports: { http: 80, https: 443 },
  summary: 'Any HTTP endpoint: status, optional JSON body assertions, response time on a warm connection',
  schema,
  metrics: httpMetrics,
  promql: (_t, metric) => HTTP_PROMQL[metric],
  run: (target, ctx) => runHttp(target, ctx),
});
