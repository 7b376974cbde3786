import { z } from 'zod';
import { PROBES } from '../probes/registry.js';
import { SCENARIOS } from '../scenarios/registry.js';
import { FAULTS } from '../faults/registry.js';
import { FORMAT_NAMES } from '../reports/formats.js';
import { duration, name, security } from '../fields/fields.js';

const phase = z.union([name, z.strictObject({ name, description: z.string().optional() })]);

const criterion = z.union([
  z.string().meta({ description: 'An expression, e.g. "engines.available >= 90%"' }),
  z.strictObject({
    name: z.string().optional(),
    expect: z.string().meta({ description: 'An expression, e.g. "engine.risk.latency_ms < 100"' }),
    severity: z
      .enum(['critical', 'warning'])
      .default('critical')
      .meta({ description: 'critical: NOT MET means NO-GO; warning: reported, still GO' }),
    description: z.string().optional(),
    category: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'The executive-summary row it is counted in (default: the section of what it reads, e.g. Engine matrix)' }),
    for: duration.optional().meta({
      description: "For validate alerts: how long the condition must hold in production before the alert fires (the rule's for:)",
    }),
  }),
]);

const output = z.strictObject({
  format: z.enum(FORMAT_NAMES),
  path: z.string().min(1).meta({ description: 'File to write (atomically)' }),
});

/**
 * The kinds' schemas as one, picked by their discriminator. zod wants a literal tuple of object schemas;
 * the registries hold schemas of their common type: this is the one cast between the two.
 */
function byKind<T>(key: string, schemas: z.ZodType<T>[]): z.ZodType<T> {
  return z.discriminatedUnion(key, schemas as unknown as [z.ZodObject, ...z.ZodObject[]]) as unknown as z.ZodType<T>;
}

// Built from the registries: a new kind adds itself here.
const target = byKind(
  'kind',
  PROBES.map((p) => p.schema),
);
const scenario = byKind(
  'kind',
  SCENARIOS.map((s) => s.schema),
);

const fault = z.strictObject({
  name,
  fault: byKind(
    'type',
    FAULTS.map((f) => f.schema),
  ),
  watch: z.array(name).min(1).meta({ description: 'Targets that must recover' }),
  consecutive: z.number().int().min(1).default(3).meta({ description: 'Consecutive passing checks that count as recovered' }),
  interval: duration.default(100).meta({ description: 'How often the targets are checked during the experiment' }),
  checkTimeout: duration.default(1000),
  recoveryTimeout: duration.default(30_000).meta({ description: 'Give up waiting for recovery after this long' }),
  settle: duration.default(2000).meta({ description: 'With no failure seen, how long to watch before concluding there was no disruption' }),
  during: name
    .optional()
    .meta({ description: 'Inject while this scenario runs: a bus scenario then reports the messages lost and the delivery gap' }),
  at: duration.optional().meta({ description: 'With during: how long after the scenario starts (default 1s)' }),
});

export const configSchema = z.strictObject({
  version: z.literal(1).default(1),
  platform: z.string().default('platform').meta({ description: 'Name shown in the report title' }),
  defaults: z
    .strictObject({
      timeout: duration.default(2000).meta({ description: 'Per-probe timeout' }),
      concurrency: z.number().int().min(1).max(256).default(16).meta({ description: 'Probes in flight at once' }),
    })
    .default({ timeout: 2000, concurrency: 16 }),
  security: security.optional().meta({ description: "What every target that can tell must refuse (a target's own security overrides it)" }),
  phases: z.array(phase).default([]).meta({ description: 'Ordered phases; when one fails, later ones are skipped' }),
  targets: z.array(target).default([]),
  scenarios: z.array(scenario).default([]).meta({ description: 'Load scenarios, run in order after every phase passed' }),
  generator: z
    .strictObject({
      maxScheduleLag: duration.default(10).meta({ description: 'Open model: generator dispatch delay (p99) past which a run is INVALID' }),
      maxEventLoopDelay: duration.default(20).meta({ description: 'Generator event-loop delay (p99) past which a run is INVALID' }),
      retries: z.number().int().min(0).max(10).default(1).meta({
        description: 'A scenario with an INVALID result (the generator could not vouch for it) is measured again, at most this many times',
      }),
    })
    .default({ maxScheduleLag: 10, maxEventLoopDelay: 20, retries: 1 }),
  monitor: z
    .strictObject({
      interval: duration.default(10_000).meta({ description: 'How often every probe repeats while scenarios and faults run (uptime)' }),
    })
    .default({ interval: 10_000 }),
  faults: z.array(fault).default([]).meta({ description: 'Fault experiments; destructive, so they run only with --chaos' }),
  criteria: z.array(criterion).default([]),
  outputs: z.array(output).default([]),
});

export type RawConfig = z.output<typeof configSchema>;

export function jsonSchema(): unknown {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
}
