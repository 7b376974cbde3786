import { z } from 'zod';
import { duration } from '../fields/fields.js';
import { measure } from '../load/measure.js';
import { Schedule, type Stage } from '../load/schedule.js';
import { httpRequestFields, maxConnectionsField, oneOfTargetOrUrl, scenarioBase, TARGET_OR_URL } from './fields.js';
import { httpLoad } from './http-request.js';
import { requestChanges } from './changes-data.js';
import { defineScenario } from './types.js';

const stage = z.strictObject({ rate: z.number().positive(), duration });

const schema = z
  .strictObject({
    kind: z.literal('rate'),
    ...scenarioBase,
    ...httpRequestFields,
    rate: z.number().positive().optional().meta({ description: 'Requests per second, constant' }),
    duration: duration.optional(),
    startRate: z.number().nonnegative().optional().meta({ description: 'With stages: the rate the first stage ramps from' }),
    stages: z.array(stage).min(1).optional().meta({ description: 'Each ramps linearly to its rate over its duration' }),
    maxConnections: maxConnectionsField,
    lateAfter: duration.default(5).meta({ description: 'A request sent this long after it was due counts as late' }),
  })
  .refine(oneOfTargetOrUrl, TARGET_OR_URL)
  .refine((s) => (s.rate !== undefined && s.duration !== undefined) !== (s.stages !== undefined), {
    message: 'give "rate" with "duration", or "stages", not both',
  });
export type RateScenario = z.output<typeof schema>;

export function stagesOf(s: Pick<RateScenario, 'rate' | 'duration' | 'stages' | 'startRate'>): Stage[] {
  if (!s.stages) return [{ from: s.rate!, to: s.rate!, durationMs: s.duration! }];
  let from = s.startRate ?? s.stages[0].rate;
  return s.stages.map((st) => {
    const stage = { from, to: st.rate, durationMs: st.duration };
    from = st.rate;
    return stage;
  });
}

/**
 * The open model: requests due at a constant (or ramping) arrival rate whatever the server does, with
 * latency from the due time (the wrk2 way) beside the uncorrected view; late and dropped are counted.
 */
export const rateScenario = defineScenario<RateScenario>({
  kind: 'rate',
  section: { title: 'Arrival rate', order: 12 },
  summary: 'Open model: a constant or ramping arrival rate; corrected and uncorrected latency, late and dropped',
  schema,
  changesData: requestChanges,
  results: (s) => [s.name],
  references: (s) => (s.target ? [{ name: s.target, path: ['target'], kinds: ['engine', 'http'] }] : []),
  async run(s, ctx) {
    const { factory, url, describe } = httpLoad(s, ctx.targets, s.timeout);
    const schedule = new Schedule(stagesOf(s));
    return [
      await measure({
        name: s.name,
        kind: 'rate',
        scenario: s.name,
        target: describe,
        url,
        factory,
        model: { type: 'open', schedule, maxConnections: s.maxConnections, lateAfterMs: s.lateAfter, drainMs: s.timeout },
        ...ctx.load,
        successPct: s.success,
      }),
    ];
  },
});
