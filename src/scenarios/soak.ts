import { z } from 'zod';
import { duration } from '../config/fields.js';
import { watchGenerator } from '../load/generator-health.js';
import { toScenarioResult } from '../load/measure.js';
import { runOpen } from '../load/open-loop.js';
import { Recorder } from '../load/recorder.js';
import { Schedule } from '../load/schedule.js';
import { stability, Windows } from '../load/windows.js';
import { conditionMetrics, conditionProblem, sustained } from '../load/conditions.js';
import { httpRequestFields, oneOfTargetOrUrl, scenarioBase, TARGET_OR_URL } from './fields.js';
import { httpLoad } from './http-request.js';
import type { ScenarioKind } from './types.js';

const mixEntry = z
  .strictObject({ weight: z.number().positive().meta({ description: 'Share of the rate, relative to the other entries' }), name: z.string().optional(), ...httpRequestFields })
  .refine(oneOfTargetOrUrl, TARGET_OR_URL);

const schema = z.strictObject({
  kind: z.literal('soak'),
  ...scenarioBase,
  rate: z.number().positive().meta({ description: 'Total requests per second across the mix' }),
  duration: duration.meta({ description: 'Hours in real use (a trading day: 8h), seconds in tests' }),
  window: duration.default(60_000).meta({ description: 'Each window gets its own histogram, counts and infrastructure sample' }),
  connections: z.number().int().min(1).default(100).meta({ description: 'Connections opened at most, per mix entry' }),
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
 * The trading-day soak: a weighted mix at a constant arrival rate for a long time, cut into windows,
 * the infrastructure sampled at each window's end; stability judged across windows.
 */
export const soakScenario: ScenarioKind<SoakScenario> = {
  kind: 'soak',
  summary: 'Open-model mixed workload for a long duration, in windows: drift, worst window, throughput drop',
  schema,
  results: (s) => [s.name],
  resultMetrics: (s) => ({ [s.name]: conditionMetrics(s.conditions) }),
  references: (s) => s.mix.flatMap((m, i) => (m.target ? [{ name: m.target, path: ['mix', i, 'target'], kinds: ['engine', 'http'] }] : [])),
  async run(s, ctx) {
    const started = performance.now();
    const windows = new Windows(started);
    const total = s.mix.reduce((a, m) => a + m.weight, 0);
    const loads = s.mix.map((m) => httpLoad(m, ctx.targets, s.timeout));
    const recorders = loads.map((l) => new Recorder(true, l.factory.ok, (ms, failed) => windows.record(ms, failed)));
    const overall = new Recorder(true, () => true);
    ctx.onStart?.({ name: s.name, recorder: recorders[0] });
    const watch = watchGenerator();
    const sample = () => ctx.monitor?.sampleNow() ?? Promise.resolve([]);
    const scheduleEnd = started + s.duration;
    // Boundaries up to the schedule's end only: the last window, closed after the drain, ends it.
    const ticker = setInterval(() => {
      if (performance.now() < scheduleEnd - s.window / 4) windows.close(performance.now(), sample());
    }, s.window);
    await Promise.all(
      s.mix.map((m, i) =>
        runOpen({
          factory: loads[i].factory,
          schedule: new Schedule([{ from: (s.rate * m.weight) / total, to: (s.rate * m.weight) / total, durationMs: s.duration }]),
          maxConnections: s.connections,
          lateAfterMs: s.lateAfter,
          drainMs: s.timeout,
          signal: ctx.signal,
          recorder: recorders[i],
        }),
      ),
    );
    clearInterval(ticker);
    windows.close(performance.now(), sample(), scheduleEnd);
    await windows.settled();
    for (const r of recorders) overall.merge(r);
    overall.startedAt = started;
    overall.stop();
    const schedule = new Schedule([{ from: s.rate, to: s.rate, durationMs: s.duration }]);
    const result = toScenarioResult(
      { name: s.name, kind: 'soak', scenario: s.name, target: loads.map((l, i) => `${s.mix[i].weight}× ${l.describe}`).join('; '), url: loads[0].url, model: { type: 'open', schedule, maxConnections: s.connections, lateAfterMs: s.lateAfter, drainMs: s.timeout }, limits: ctx.limits },
      overall,
      watch.stop(),
    );
    result.windows = windows.closed;
    result.measurements.push(...stability(windows.closed), ...sustained(s.conditions, windows.closed));
    return [result];
  },
};
