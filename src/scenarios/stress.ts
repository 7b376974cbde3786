import { z } from 'zod';
import { duration } from '../fields/fields.js';
import { measure } from '../load/measure.js';
import { Schedule } from '../load/schedule.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import type { Measurement } from '../results/measurement.js';
import { httpRequestFields, maxConnectionsField, oneOfTargetOrUrl, scenarioBase, TARGET_OR_URL } from './fields.js';
import { httpLoad } from './http-request.js';
import { requestChanges } from './changes-data.js';
import { defineScenario } from './types.js';

const schema = z
  .strictObject({
    kind: z.literal('stress'),
    ...scenarioBase,
    ...httpRequestFields,
    rate: z.number().positive().meta({ description: 'The nominal rate (requests/s), run first as the baseline' }),
    multiple: z.number().min(1).default(3).meta({ description: 'The stress run is this many times the nominal rate' }),
    duration: duration.meta({ description: 'Length of each run' }),
    maxConnections: maxConnectionsField,
    maxP99Increase: z
      .number()
      .nonnegative()
      .default(50)
      .meta({ description: 'Percent the p99 may grow under stress and still count as no degradation' }),
    maxErrorRate: z.number().nonnegative().default(1).meta({ description: 'Percent of errors allowed under stress' }),
  })
  .refine(oneOfTargetOrUrl, TARGET_OR_URL);
export type StressScenario = z.output<typeof schema>;

/** The stressed result's p99 growth over the baseline, and whether it counts as degraded. */
function degradation(results: ScenarioResult[], s: StressScenario): Measurement[][] {
  const out = results.map((): Measurement[] => []);
  const [base, stressed] = results;
  if (!base || !stressed) return out;
  const growth = base.latencyMs.p99 > 0 ? ((stressed.latencyMs.p99 - base.latencyMs.p99) / base.latencyMs.p99) * 100 : 0;
  const degraded = growth > s.maxP99Increase || 100 - stressed.successRate > s.maxErrorRate;
  out[1] = [
    { metric: 'p99_increase_pct', value: growth, unit: 'percent' },
    { metric: 'degraded', value: degraded ? 1 : 0, unit: 'count' },
  ];
  return out;
}

/**
 * High-load stress: the same request at the nominal rate (baseline), then at a multiple of it. "No
 * degradation" means the stressed p99 grew at most maxP99Increase% and errors stayed under maxErrorRate%.
 */
export const stressScenario = defineScenario<StressScenario>({
  kind: 'stress',
  section: { title: 'Stress', order: 13 },
  summary: 'A baseline at the nominal rate, then a multiple of it: p99 growth and errors judge degradation',
  schema,
  changesData: requestChanges,
  results: (s) => [`${s.name}-baseline`, s.name],
  references: (s) => (s.target ? [{ name: s.target, path: ['target'], kinds: ['engine', 'http'] }] : []),
  resultMetrics: (s) => ({
    [s.name]: {
      p99_increase_pct: { unit: 'percent', aggregate: 'max', label: 'p99 growth over the baseline' },
      degraded: { unit: 'count', aggregate: 'sum', label: 'degraded' },
    },
  }),
  async run(s, ctx) {
    const out: ScenarioResult[] = [];
    for (const [name, rate] of [
      [`${s.name}-baseline`, s.rate],
      [s.name, s.rate * s.multiple],
    ] as const) {
      if (ctx.signal?.aborted) break;
      const { factory, url, describe } = httpLoad(s, ctx.targets, s.timeout);
      const schedule = new Schedule([{ from: rate, to: rate, durationMs: s.duration }]);
      out.push(
        await measure({
          name,
          kind: 'stress',
          scenario: s.name,
          target: describe,
          url,
          factory,
          model: { type: 'open', schedule, maxConnections: s.maxConnections, lateAfterMs: 5, drainMs: s.timeout },
          ...ctx.load,
          successPct: s.success,
        }),
      );
    }
    degradation(out, s).forEach((m, i) => out[i].measurements.push(...m));
    return out;
  },
  remeasure: (results, s) => (s ? degradation(results, s) : results.map(() => [])),
});
