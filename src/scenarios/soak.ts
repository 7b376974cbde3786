import { z } from 'zod';
import { duration } from '../fields/fields.js';
import { conditionMetrics, conditionProblem, sustained } from '../load/conditions.js';
import { measure } from '../load/measure.js';
import { Schedule } from '../load/schedule.js';
import { stability, Windows } from '../load/windows.js';
import { httpRequestFields, maxConnectionsField, oneOfTargetOrUrl, scenarioBase, TARGET_OR_URL } from './fields.js';
import { httpLoad } from './http-request.js';
import { requestChanges } from './changes-data.js';
import { defineScenario } from './types.js';
import { mergeSoakExtras } from './soak-merge.js';

const mixEntry = z
  .strictObject({
    weight: z.number().positive().meta({ description: 'Share of the rate, relative to the other entries' }),
    name: z.string().optional(),
    ...httpRequestFields,
  })
  .refine(oneOfTargetOrUrl, TARGET_OR_URL);

const schema = z.strictObject({
  kind: z.literal('soak'),
  ...scenarioBase,
  rate: z.number().positive().meta({ description: 'Total requests per second across the mix' }),
  duration: duration.meta({ description: 'Hours in real use (a trading day: 8h), seconds in tests' }),
  window: duration.default(60_000).meta({ description: 'Each window gets its own histogram, counts and infrastructure sample' }),
  maxConnections: maxConnectionsField,
  lateAfter: duration.default(5),
  mix: z.array(mixEntry).min(1).meta({ description: 'The workload: weighted requests, e.g. 70% quotes, 20% orders, 10% risk' }),
  conditions: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'expected a lower-case name (it becomes sustained_<name>)'),
        when: z.string().superRefine((w, ctx) => {
          const why = conditionProblem(w);
          if (why) ctx.addIssue({ code: 'custom', message: `invalid condition: ${why}` });
        }),
        for: duration,
      }),
    )
    .default([])
    .meta({ description: 'Sustained conditions over windows, e.g. { name: slow, when: "p99_ms > 500", for: 5m }' }),
});
export type SoakScenario = z.output<typeof schema>;

/**
 * A mix entry's own row: its name, else its method, target and path (`GET marketdata`, `GET risk /health`);
 * two entries that would still read the same are told apart by their position (`#2`).
 */
function entryNames(mix: SoakScenario['mix']): string[] {
  const where = (m: SoakScenario['mix'][number]) => [
    m.target,
    m.path ?? (m.url && URL.canParse(m.url) ? new URL(m.url).pathname : undefined),
  ];
  const base = mix.map((m, i) => m.name ?? `${m.method} ${where(m).filter(Boolean).join(' ') || `entry ${i + 1}`}`);
  return base.map((n, i) => (base.indexOf(n) !== i || base.lastIndexOf(n) !== i ? `${n} #${i + 1}` : n));
}

/**
 * The trading-day soak: a weighted mix on one open-model schedule at the total rate, for a long time,
 * cut into windows by when requests were due; the infrastructure is sampled at each window's end and
 * stability is judged across windows.
 */
export const soakScenario = defineScenario<SoakScenario>({
  kind: 'soak',
  section: { title: 'Soak', order: 15 },
  summary: 'Open-model mixed workload for a long duration, in windows: drift, worst window, throughput drop',
  schema,
  results: (s) => [s.name],
  resultMetrics: (s) => ({ [s.name]: conditionMetrics(s.conditions) }),
  // Windows merge exactly (histograms added): stability is recomputed; the conditions need the config.
  mergeExtras: mergeSoakExtras,
  remeasure: (results, s) =>
    results.map((r) => (r.windows ? [...stability(r.windows), ...(s ? sustained(s.conditions, r.windows) : [])] : [])),
  changesData: (s) => s.mix.flatMap((m, i) => requestChanges({ name: `${s.name}/${entryNames(s.mix)[i]}`, method: m.method })),
  references: (s) => s.mix.flatMap((m, i) => (m.target ? [{ name: m.target, path: ['mix', i, 'target'], kinds: ['engine', 'http'] }] : [])),
  async run(s, ctx) {
    const loads = s.mix.map((m) => httpLoad(m, ctx.targets, s.timeout));
    const names = entryNames(s.mix);
    const mix = loads.map((l, i) => ({
      name: names[i],
      target: l.describe,
      url: l.url,
      factory: l.factory,
      weight: s.mix[i].weight,
    }));
    // Read once: the common start (--start-at), when this is the run's first load, is the windows' origin.
    const load = { ...ctx.load };
    const origin = load.startAt ?? performance.now();
    const windows = new Windows(origin, s.window, s.duration);
    const sample = () => ctx.sampleInfra?.() ?? Promise.resolve([]);
    // At each window's end: the infrastructure as it stands then, and the windows whose requests have all finished.
    let boundary = 0;
    let ticker: NodeJS.Timeout | undefined;
    // Window ends count from the origin, which a common start may put a little ahead.
    const first = setTimeout(
      () => {
        ticker = setInterval(() => {
          const now = performance.now();
          if (now < origin + s.duration - s.window / 4) windows.sample(boundary++, sample());
          windows.closeSettled(now, s.timeout + 250);
        }, s.window);
      },
      Math.max(0, origin - performance.now()),
    );
    let result;
    try {
      result = await measure({
        name: s.name,
        kind: 'soak',
        scenario: s.name,
        target: mix.map((m) => `${m.weight}× ${m.target}`).join('; '),
        url: loads[0].url,
        factory: loads[0].factory,
        mix,
        // The windows count from the schedule's own start.
        model: {
          type: 'open',
          schedule: new Schedule([{ from: s.rate, to: s.rate, durationMs: s.duration }]),
          maxConnections: s.maxConnections,
          lateAfterMs: s.lateAfter,
          drainMs: s.timeout,
          startAt: origin,
        },
        tap: (ms, failed, answered, dueAt) => windows.record(ms, failed, answered, dueAt),
        ...load,
        successPct: s.success,
      });
    } finally {
      clearTimeout(first);
      clearInterval(ticker);
    }
    result.windows = await windows.finish(sample);
    result.measurements.push(...stability(result.windows), ...sustained(s.conditions, result.windows));
    return [result];
  },
});
