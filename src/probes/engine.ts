import { z } from 'zod';
import { httpFields, httpMetrics, runHttp } from './http.js';
import type { ProbeKind } from './types.js';

const schema = z.strictObject({ kind: z.literal('engine'), ...httpFields('/health') });
export type EngineTarget = z.output<typeof schema>;

/** Words an engine's health document uses to say it is not serving, even when it answers 200. */
const NOT_SERVING = new Set(['down', 'unhealthy', 'error', 'fail', 'failed', 'maintenance', 'stopped', 'critical']);

/**
 * A platform engine: an HTTP service with a health document at /health. Beyond the http kind it reads
 * the document's status, version and uptime, and treats a self-declared non-serving status as a failure.
 */
export const engineProbe: ProbeKind<EngineTarget> = {
  kind: 'engine',
  aliases: ['engines'],
  schemes: [],
  summary: 'A platform engine: GET /health, expected status, the health document read',
  schema,
  metrics: {
    ...httpMetrics,
    uptime_seconds: { unit: 'seconds', aggregate: 'min', label: 'uptime' },
  },
  run: (target, ctx) =>
    runHttp(target, ctx, '/health', (json, outcome) => {
      if (!json || typeof json !== 'object') return;
      const doc = json as Record<string, unknown>;
      for (const key of ['status', 'version']) {
        const v = doc[key];
        if (typeof v === 'string' || typeof v === 'number') outcome.details[key] = v;
      }
      const uptime = doc.uptime_seconds ?? doc.uptime;
      if (typeof uptime === 'number') outcome.measurements.push({ metric: 'uptime_seconds', value: uptime, unit: 'seconds' });
      const status = typeof doc.status === 'string' ? doc.status.toLowerCase() : undefined;
      if (status && NOT_SERVING.has(status)) {
        outcome.status = 'fail';
        outcome.error = `engine reports status "${doc.status}"`;
      }
    }),
};
