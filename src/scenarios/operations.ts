import { z } from 'zod';
import { duration, name } from '../fields/fields.js';
import { measure } from '../load/measure.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import { countOrDuration, countOrDurationModel, httpRequestFields, scenarioBase, successField } from './fields.js';
import { defineScenario } from './types.js';
import type { TargetBase } from '../fields/target.js';
import { article } from '../util/words.js';
import { OPERATION_PROTOCOLS, protocolFor } from './operation-protocols.js';

const operation = z.strictObject({
  name: name.meta({ description: 'Result name: scenario.<name>.p99_ms' }),
  ...httpRequestFields,
  target: name.meta({ description: `The target it loads: ${OPERATION_PROTOCOLS.map((p) => `${article(p.what)} ${p.what}`).join(', ')}` }),
  // Each protocol's own fields (a Redis command, a SQL query).
  ...(Object.assign({}, ...OPERATION_PROTOCOLS.map((p) => p.fields)) as Record<never, never>),
  sla: duration.optional().meta({ description: 'p99 must stay under this, with the success rate met (becomes a criterion)' }),
  success: successField.optional().meta({ description: "Share of requests that must succeed; default: the scenario's (99.9%)" }),
  requests: z.number().int().min(1).optional(),
});

const schema = z.strictObject({
  kind: z.literal('operations'),
  ...scenarioBase,
  requests: z.number().int().min(1).optional().meta({ description: 'Requests per operation (default 100)' }),
  duration: duration.optional().meta({ description: 'Instead of a count: load each operation for this long' }),
  connections: z.number().int().min(1).default(1).meta({ description: 'Concurrent users per operation' }),
  operations: z.array(operation).min(1),
});
export type OperationsScenario = z.output<typeof schema>;
type Operation = OperationsScenario['operations'][number];

/** Named business operations (HTTP, a Redis command, a SQL query), each with its own SLA. */
export const operationsScenario = defineScenario<OperationsScenario>({
  kind: 'operations',
  section: { title: 'Mission-critical operations', order: 14 },
  summary: 'Named operations (HTTP request, Redis command, SQL query), each with its own SLA on p99',
  schema,
  results: (s) => s.operations.map((o) => o.name),
  references: (s) =>
    s.operations.map((o, i) => ({
      name: o.target,
      path: ['operations', i, 'target'],
      kinds: OPERATION_PROTOCOLS.flatMap((p) => p.targetKinds),
    })),
  check(s, { targets }) {
    const issues: { path: (string | number)[]; message: string }[] = countOrDuration(s);
    s.operations.forEach((op, i) =>
      issues.push(...fitsItsProtocol(op as unknown as Record<string, unknown> & Operation, i, targets.get(op.target)?.kind)),
    );
    return issues;
  },
  changesData: (s) =>
    s.operations.flatMap((o) => {
      const op = o as unknown as Record<string, unknown>;
      // The field an operation gives says its protocol (the config check holds it to its target's kind).
      const protocol =
        OPERATION_PROTOCOLS.find((p) => p.required && op[p.required.field] !== undefined) ?? OPERATION_PROTOCOLS.find((p) => !p.required);
      const what = protocol?.changesData?.(op);
      return what ? [`${o.name}: ${what}`] : [];
    }),
  impliedCriteria: (s) =>
    s.operations
      .filter((o) => o.sla !== undefined)
      .map((o) => ({ name: `${o.name} SLA`, expect: `scenario.${o.name}.p99_ms < ${o.sla}ms`, severity: 'critical' as const })),
  async run(s, ctx) {
    const out: ScenarioResult[] = [];
    for (const op of s.operations) {
      if (ctx.signal?.aborted) break;
      const { factory, url, describe } = await loadFor(op, ctx.targets, s.timeout);
      out.push(
        await measure({
          name: op.name,
          kind: 'operations',
          scenario: s.name,
          target: describe,
          url,
          factory,
          model: {
            type: 'closed',
            connections: s.connections,
            ...(op.requests ? { requests: op.requests } : countOrDurationModel(s, 100)),
          },
          ...ctx.load,
          successPct: op.success ?? s.success,
          slaMs: op.sla,
        }),
      );
    }
    return out;
  },
});

/** An operation gives what its target's protocol needs, and nothing another protocol's. */
function fitsItsProtocol(
  op: Record<string, unknown> & Operation,
  i: number,
  kind: string | undefined,
): { path: (string | number)[]; message: string }[] {
  const own = protocolFor(kind);
  if (own?.required && op[own.required.field] === undefined)
    return [
      {
        path: ['operations', i],
        message: `operation "${op.name}" loads ${own.what} "${op.target}": give "${own.required.field}", e.g. ${own.required.example}`,
      },
    ];
  for (const p of OPERATION_PROTOCOLS) {
    if (p === own) continue;
    for (const field of Object.keys(p.fields)) {
      if (op[field] !== undefined)
        return [
          {
            path: ['operations', i, field],
            message: `"${field}" is for ${article(p.what)} ${p.what}; "${op.target}" is ${article(kind)} ${kind} target`,
          },
        ];
    }
  }
  return [];
}

async function loadFor(op: Operation, targets: Map<string, TargetBase>, timeoutMs: number) {
  // The config check has made sure the target exists and the operation fits its kind.
  const t = targets.get(op.target)!;
  return protocolFor(t.kind)!.open(op as unknown as Record<string, unknown>, t, timeoutMs, targets);
}
