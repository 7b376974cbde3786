import { z } from 'zod';
import { duration, name as nameField, urlWithSchemes } from '../fields/fields.js';
import { measure, unmeasured } from '../load/measure.js';
import type { ConnectionFactory } from '../load/types.js';
import type { Measurement, MetricSpec } from '../results/measurement.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import { httpRequestFields, scenarioBase } from './fields.js';
import { httpLoad } from './http-request.js';
import { defineScenario, type ScenarioContext } from './types.js';
import { requestChanges } from './changes-data.js';
import { readyCount, replicasField, scaleTo, setCount, type Replicas } from './scale-replicas.js';

const { target, url, ...request } = httpRequestFields;

const schema = z
  .strictObject({
    kind: z.literal('scaling'),
    ...scenarioBase,
    ...request,
    targets: z.array(nameField).min(2).optional().meta({ description: 'Instances of one engine, as config targets (engine or http)' }),
    urls: z
      .array(urlWithSchemes(['http', 'https']))
      .min(2)
      .optional()
      .meta({ description: 'Instances of one engine, by URL (instead of targets)' }),
    target: target.optional().meta({ description: 'With replicas: the one target (engine or http) behind the balancer' }),
    url: url.optional().meta({ description: 'With replicas: the one URL behind the balancer' }),
    replicas: replicasField.optional(),
    connections: z.number().int().min(1).max(10_000).default(10).meta({ description: 'Users per instance, sending back to back' }),
    duration: duration.default(5000).meta({ description: 'How long each step runs' }),
    steps: z
      .array(z.number().int().min(1))
      .min(2)
      .optional()
      .meta({ description: 'Instance counts to measure, e.g. [1, 2, 4] (default every count from 1 to all); must start at 1' }),
  })
  .refine((s) => [s.targets, s.urls, s.replicas].filter(Boolean).length === 1, {
    message: 'give one of "targets" (target names), "urls", or "replicas" (one URL behind a balancer, scaled by a command)',
  })
  .refine((s) => !s.replicas || Boolean(s.target) !== Boolean(s.url), {
    message: 'with "replicas", give the one "url" or "target" behind the balancer',
  })
  .refine((s) => !s.replicas || Boolean(s.steps), {
    message: 'with "replicas", give "steps": the instance counts to measure, e.g. [1, 2, 4]',
  });
export type ScalingScenario = z.output<typeof schema>;

const SCALING_METRICS: Record<string, MetricSpec> = {
  instances: { unit: 'count', aggregate: 'min', label: 'instances' },
  // rps(N) / (N x rps(1)): 100% when N instances serve N times what one does.
  efficiency: {
    unit: 'percent',
    aggregate: 'min',
    label: 'scaling efficiency',
    headline: true,
    evidence: { requirement: 'scaling', words: 'lowest scaling efficiency', worst: 'min', unit: '%' },
  },
  rps_per_instance: { unit: 'per_second', aggregate: 'min', label: 'rps per instance' },
};

const stepsOf = (s: ScalingScenario) => s.steps ?? Array.from({ length: (s.targets ?? s.urls ?? []).length }, (_, i) => i + 1);
/** The step with every instance is the scenario's own name (what `scenario.scale-out.efficiency` reads); the others carry their count. */
const resultName = (s: ScalingScenario, k: number) => (k === Math.max(...stepsOf(s)) ? s.name : `${s.name}-${k}`);

/** Connections spread over the instances in turn: one closed loop, as a client-side balancer would spread them. */
function spread(factories: ConnectionFactory[]): ConnectionFactory {
  let next = 0;
  return {
    open: () => factories[next++ % factories.length].open(),
    ok: (status) => factories[0].ok(status),
    explain: factories[0].explain,
    settled: factories[0].settled,
  };
}

/** What measure() takes for step k of the scenario, given the instances' URL and connections. */
function stepOptions(s: ScalingScenario, k: number, ctx: ScenarioContext, describe: string, url: string, factory: ConnectionFactory) {
  return {
    name: resultName(s, k),
    kind: 'scaling',
    scenario: s.name,
    target: describe,
    url,
    factory,
    model: { type: 'closed' as const, connections: k * s.connections, durationMs: s.duration },
    level: k,
    levelName: 'instances',
    ...ctx.load,
    successPct: s.success,
  };
}

/** Listed instances (targets or urls): step k loads the first k of them, the connections spread over them in turn. */
async function byInstances(s: ScalingScenario, ctx: ScenarioContext): Promise<ScenarioResult[]> {
  const instances = (s.targets ?? s.urls)!.map((t) =>
    httpLoad({ ...s, target: s.targets ? t : undefined, url: s.urls ? t : undefined }, ctx.targets, s.timeout),
  );
  const out: ScenarioResult[] = [];
  for (const k of stepsOf(s)) {
    if (ctx.signal?.aborted) break;
    const used = instances.slice(0, k);
    const describe = k === 1 ? used[0].describe : `${used[0].describe} and ${k - 1} more instance${k > 2 ? 's' : ''}`;
    out.push(await measure(stepOptions(s, k, ctx, describe, used[0].url, spread(used.map((i) => i.factory)))));
  }
  return out;
}

/**
 * One URL behind a balancer: each step sets the instance count with the scale command and waits until that
 * many are ready, then loads the URL; the count it found is set back at the end, however the run ends. It
 * changes the platform, so it runs only with --chaos (without: NOT RUN); a count never reached is INVALID
 * (the experiment did not take effect), and one run sharded cannot share the steps (INVALID as well).
 */
async function byReplicas(s: ScalingScenario, r: Replicas, ctx: ScenarioContext): Promise<ScenarioResult[]> {
  const one = httpLoad({ ...s, target: s.target, url: s.url }, ctx.targets, s.timeout);
  const options = (k: number) => stepOptions(s, k, ctx, `${one.describe} with ${k} instance(s)`, one.url, one.factory);
  const skip = !ctx.chaos
    ? `not run: it changes the platform's instance count (${r.command}); scaling experiments run only with --chaos`
    : ctx.load.shard && ctx.load.shard.total > 1
      ? 'a scaling scenario that sets the instance count cannot be sharded: every shard would scale the platform at its own pace'
      : undefined;
  if (skip) return stepsOf(s).map((k) => unmeasured(options(k), skip, Boolean(ctx.chaos)));
  const before = await readyCount(r, ctx.signal);
  const out: ScenarioResult[] = [];
  try {
    for (const k of stepsOf(s)) {
      if (ctx.signal?.aborted) break;
      const notReady = await scaleTo(r, k, ctx.signal);
      out.push(notReady ? unmeasured(options(k), notReady, true) : await measure(options(k)));
    }
  } finally {
    // Set back as it was found, even on Ctrl-C: a readiness check must not leave production at one instance.
    // Interrupted, the command is run but its readiness not waited for: Ctrl-C must not sit out a rollout.
    const last = out.at(-1);
    const note = await setBack(r, before, ctx.signal?.aborted === true);
    if (last) last.notes = [...(last.notes ?? []), note];
  }
  return out;
}

/** Sets the count found before the first step back, and says how that went. */
async function setBack(r: Replicas, before: number | string, interrupted: boolean): Promise<string> {
  if (typeof before !== 'number') return `not set back: the count before was unknown (${before})`;
  const failed = interrupted ? await setCount(r, before) : await scaleTo(r, before);
  if (failed) return `not set back to ${before}: ${failed}`;
  return interrupted
    ? `instance count set back to ${before}, as it was found (not waited for: the run was interrupted)`
    : `instance count set back to ${before}, as it was found`;
}

/**
 * Efficiency of each step against the one-instance step, from throughput the results already hold. Its
 * error bar follows from theirs: a generator held up (a busy machine, a saturated thread) can only hide
 * throughput, so the true efficiency lies between e / (1 + rel(1)) and e x (1 + rel(N)), rel being each
 * step's error bar relative to its rps; the wider side is the bar.
 */
function efficiencies(results: ScenarioResult[]): Measurement[][] {
  const rps = (r: ScenarioResult) => r.measurements.find((m) => m.metric === 'rps');
  const one = results.find((r) => r.level === 1);
  const base = one && rps(one);
  const relative = (m: Measurement | undefined) => (m && m.value > 0 ? (m.margin ?? 0) / m.value : 0);
  return results.map((r) => {
    const n = r.level ?? 1;
    const v = rps(r);
    const m: Measurement[] = [{ metric: 'instances', value: n, unit: 'count' }];
    if (v !== undefined) m.push({ metric: 'rps_per_instance', value: v.value / n, unit: 'per_second' });
    if (v !== undefined && base?.value) {
      const efficiency = (v.value / (n * base.value)) * 100;
      const margin = efficiency * Math.max(relative(v), relative(base) / (1 + relative(base)));
      m.push({ metric: 'efficiency', value: efficiency, unit: 'percent', ...(margin > 0 && { margin }) });
    }
    return m;
  });
}

/**
 * Horizontal scaling, measured: the same closed load per instance against 1, 2, ... N instances of one
 * engine at once, and how much of N times one instance's throughput N instances give (rps(N) / (N x rps(1))).
 */
export const scalingScenario = defineScenario<ScalingScenario>({
  kind: 'scaling',
  section: { title: 'Horizontal scaling', order: 13 },
  summary: 'The same load per instance against 1..N instances of an engine: throughput per count and scaling efficiency',
  schema,
  changesData: requestChanges,
  results: (s) => stepsOf(s).map((k) => resultName(s, k)),
  references: (s) => [
    ...(s.targets ?? []).map((t, i) => ({ name: t, path: ['targets', i], kinds: ['engine', 'http'] })),
    ...(s.target ? [{ name: s.target, path: ['target'], kinds: ['engine', 'http'] }] : []),
  ],
  resultMetrics: (s) => Object.fromEntries(stepsOf(s).map((k) => [resultName(s, k), SCALING_METRICS])),
  metrics: SCALING_METRICS,
  remeasure: (results) => efficiencies(results),
  check(s) {
    const n = s.replicas ? Infinity : (s.targets ?? s.urls ?? []).length;
    const steps = stepsOf(s);
    const bad = steps.find((k) => k > n);
    if (bad) return [{ path: ['steps'], message: `step ${bad} asks for more instances than the ${n} listed` }];
    if (steps[0] !== 1) return [{ path: ['steps'], message: 'steps must start at 1: efficiency is measured against one instance' }];
    return [];
  },
  async run(s, ctx) {
    const out = s.replicas ? await byReplicas(s, s.replicas, ctx) : await byInstances(s, ctx);
    const extra = efficiencies(out);
    return out.map((r, i) => ({ ...r, measurements: [...r.measurements, ...extra[i]] }));
  },
});
