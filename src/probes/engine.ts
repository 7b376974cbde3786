import { z } from 'zod';
import { readHealthDocument } from './health-document.js';
import { DEPENDENCY_METRICS, dependencyEdges, edgeMeasurements } from './health-dependencies.js';
import { HTTP_PROMQL, httpFields, httpMetrics, runHttp } from './http.js';
import { defineProbe } from './types.js';

const schema = z.strictObject({ kind: z.literal('engine'), ...httpFields('/health') });
export type EngineTarget = z.output<typeof schema>;

/**
 * A platform engine: an HTTP service with a health document at /health. Beyond the http kind it reads
 * the document: a self-declared failing status fails, a degraded (or unknown) one warns.
 */
export const engineProbe = defineProbe<EngineTarget>({
  kind: 'engine',
  aliases: ['engines'],
  schemes: [],
  section: { title: 'Engine matrix', order: 2 },
  summary:
    'A platform engine: GET /health, expected status, the health document read (fail, degraded, unknown words) and the dependencies it reports (health+json checks, Spring Boot components)',
  schema,
  metrics: {
    ...httpMetrics,
    uptime_seconds: { unit: 'seconds', aggregate: 'min', label: 'uptime' },
    ...DEPENDENCY_METRICS,
  },
  promql: (_t, metric) => HTTP_PROMQL[metric],
  run: (target, ctx) =>
    runHttp(target, ctx, '/health', (json, outcome) => {
      const h = readHealthDocument(json);
      if (!h) return;
      const edges = edgeMeasurements(dependencyEdges(json as Record<string, unknown>));
      outcome.measurements.push(...edges.measurements);
      outcome.labelValues = { ...outcome.labelValues, ...edges.labelValues };
      Object.assign(outcome.details, h.details);
      if (h.uptimeSeconds !== undefined) outcome.measurements.push({ metric: 'uptime_seconds', value: h.uptimeSeconds, unit: 'seconds' });
      if (h.verdict === 'fail') {
        outcome.status = 'fail';
        outcome.error = h.why;
      } else if (h.verdict === 'warn') {
        outcome.status = 'warn';
        outcome.warnings = [...(outcome.warnings ?? []), h.why!];
      }
    }),
});
