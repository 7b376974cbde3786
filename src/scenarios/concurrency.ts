import { z } from 'zod';
import { duration } from '../fields/fields.js';
import { measure } from '../load/measure.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import { httpRequestFields, oneOfTargetOrUrl, scenarioBase, TARGET_OR_URL } from './fields.js';
import { httpLoad } from './http-request.js';
import { requestChanges } from './changes-data.js';
import { defineScenario } from './types.js';

const schema = z
  .strictObject({
    kind: z.literal('concurrency'),
    ...scenarioBase,
    ...httpRequestFields,
    levels: z
      .array(z.number().int().min(1).max(10_000))
      .min(1)
      .meta({ description: 'User counts, e.g. [10, 25, 50, 100]; one result each' }),
    duration: duration.optional().meta({ description: 'How long each level runs' }),
    requests: z.number().int().min(1).optional().meta({ description: 'Requests per level (instead of a duration)' }),
  })
  .refine(oneOfTargetOrUrl, TARGET_OR_URL)
  .refine((s) => s.duration !== undefined || s.requests !== undefined, { message: 'give "duration" or "requests" for each level' });
export type ConcurrencyScenario = z.output<typeof schema>;

/** The closed model at several user counts: each user sends back to back. One result per level. */
export const concurrencyScenario = defineScenario<ConcurrencyScenario>({
  kind: 'concurrency',
  section: { title: 'Concurrent load', order: 11 },
  summary: 'Closed model: N users sending back to back, for each level; throughput and latency per level',
  schema,
  changesData: requestChanges,
  results: (s) => s.levels.map((l) => `${s.name}-${l}`),
  references: (s) => (s.target ? [{ name: s.target, path: ['target'], kinds: ['engine', 'http'] }] : []),
  async run(s, ctx) {
    const out: ScenarioResult[] = [];
    for (const users of s.levels) {
      if (ctx.signal?.aborted) break;
      const { factory, url, describe } = httpLoad(s, ctx.targets, s.timeout);
      out.push(
        await measure({
          name: `${s.name}-${users}`,
          kind: 'concurrency',
          scenario: s.name,
          target: describe,
          url,
          factory,
          model: { type: 'closed', connections: users, durationMs: s.duration, requests: s.requests },
          level: users,
          ...ctx.load,
          successPct: s.success,
        }),
      );
    }
    return out;
  },
});
