import { z } from 'zod';
import { duration, name, percent, requestPath, urlWithSchemes } from '../fields/fields.js';
import { expectSchema } from '../protocols/http/expect.js';

/** What to send: a config target (by name) or a URL, plus the request itself. */
export const httpRequestFields = {
  target: name.optional().meta({ description: 'A target of kind engine or http (its URL; an engine defaults to /health)' }),
  url: urlWithSchemes(['http', 'https']).optional().meta({ description: 'A URL, instead of a target' }),
  path: requestPath.optional(),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  headers: z.record(z.string(), z.string()).default({}),
  body: z
    .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
    .optional()
    .meta({ description: 'A string, or a mapping/list sent as JSON' }),
  expect: expectSchema,
};

/** How long to wait for one answer before counting it as an error. */
export const requestTimeout = duration.default(10_000).meta({ description: 'Per-request timeout' });

/** The error budget: below this share of successful requests, a result's latency and throughput do not count. */
export const successField = percent.default(99.9).meta({
  description: 'Share of requests that must succeed (default 99.9%); below it, latency and throughput criteria on the result are NOT MET',
});

const retry = z.boolean().optional().meta({
  description:
    'Measure it again when the generator could not vouch for a result (INVALID). A scenario that changes data (POST, INCR, INSERT) is measured again only with retry: true',
});

export const scenarioBase = { name, timeout: requestTimeout, success: successField, retry };

export const oneOfTargetOrUrl = (s: { target?: string; url?: string }) => Boolean(s.target) !== Boolean(s.url);
export const TARGET_OR_URL = { message: 'give either "target" (a target name) or "url", not both or neither' };

/**
 * Open model: connections open on demand up to this cap (like k6's maxVUs). When it binds, requests wait
 * for a connection in the generator itself; beyond 1% of requests that makes the result INVALID.
 */
export const maxConnectionsField = z
  .number()
  .int()
  .min(1)
  .max(100_000)
  .default(1000)
  .meta({ description: 'Connections opened on demand at most (open model); past 1% of requests waiting for one, the result is INVALID' });

/** A closed run of a fixed count of requests, or for a fixed time: the two are exclusive. */
export function countOrDuration(s: { requests?: number; duration?: number }): { path: (string | number)[]; message: string }[] {
  return s.requests !== undefined && s.duration !== undefined
    ? [{ path: ['duration'], message: 'give "requests" (a count) or "duration" (a time), not both' }]
    : [];
}

/** The closed model's stop condition: the duration when given, else the count (or the kind's default count). */
export function countOrDurationModel(
  s: { requests?: number; duration?: number },
  defaultRequests: number,
): { requests?: number; durationMs?: number } {
  return s.duration !== undefined ? { durationMs: s.duration } : { requests: s.requests ?? defaultRequests };
}
