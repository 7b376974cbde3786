import { z } from 'zod';
import { duration, name } from '../fields/fields.js';
import { measure } from '../load/measure.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import { httpLoad } from './http-request.js';
import { countOrDuration, countOrDurationModel, scenarioBase } from './fields.js';
import { defineScenario } from './types.js';
import type { TargetBase } from '../fields/target.js';
import type { Expectation } from '../protocols/http/expect.js';

const schema = z.strictObject({
  kind: z.literal('latency'),
  ...scenarioBase,
  targets: z.array(name).min(1).meta({ description: 'Targets of kind engine or http, each measured on its own' }),
  requests: z.number().int().min(1).optional().meta({ description: "Sequential requests per target (default 50, the reference's)" }),
  duration: duration.optional().meta({ description: 'Instead of a count: sequential requests to each target for this long' }),
});
export type LatencyScenario = z.output<typeof schema>;

/** Each request is judged as the target's probe judges it: its expected status and body assertions. */
function targetExpect(t: TargetBase | undefined): Expectation {
  return (t as { expect?: Expectation } | undefined)?.expect ?? { status: '2xx', body: [] };
}

/** N sequential requests to each target, one connection: the per-engine latency table of the reference report. */
export const latencyScenario = defineScenario<LatencyScenario>({
  kind: 'latency',
  section: { title: 'Engine response times', order: 10 },
  summary: 'N sequential requests to each target: min, mean, p50, p90, p99, max, success rate',
  schema,
  results: (s) => s.targets.map((t) => `${s.name}-${t}`),
  references: (s) => s.targets.map((t, i) => ({ name: t, path: ['targets', i], kinds: ['engine', 'http'] })),
  check: (s) => countOrDuration(s),
  async run(s, ctx) {
    const out: ScenarioResult[] = [];
    for (const t of s.targets) {
      if (ctx.signal?.aborted) break;
      const { factory, url, describe } = httpLoad(
        { target: t, method: 'GET', headers: {}, expect: targetExpect(ctx.targets.get(t)) },
        ctx.targets,
        s.timeout,
      );
      out.push(
        await measure({
          name: `${s.name}-${t}`,
          kind: 'latency',
          scenario: s.name,
          target: describe,
          url,
          factory,
          model: { type: 'closed', connections: 1, ...countOrDurationModel(s, 50) },
          ...ctx.load,
          successPct: s.success,
        }),
      );
    }
    return out;
  },
});
