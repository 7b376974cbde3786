import { z } from 'zod';
import { duration, name } from '../fields/fields.js';
import { measure } from '../load/measure.js';
import { postgresFactory } from '../load/postgres-connection.js';
import { redisFactory } from '../load/redis-connection.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import { redactUrl } from '../util/redact.js';
import { countOrDuration, countOrDurationModel, httpRequestFields, scenarioBase, successField } from './fields.js';
import { httpLoad } from './http-request.js';
import { defineScenario } from './types.js';
import { article } from '../util/words.js';

const operation = z
  .strictObject({
    name: name.meta({ description: 'Result name: scenario.<name>.p99_ms' }),
    ...httpRequestFields,
    target: name.meta({ description: 'An engine or http target (HTTP request), a redis target (command) or a postgres target (query)' }),
    command: z.array(z.string()).min(1).optional().meta({ description: 'Redis: the command, e.g. [GET, orders:last]' }),
    query: z.string().optional().meta({ description: 'PostgreSQL: the SQL to run' }),
    sla: duration.optional().meta({ description: 'p99 must stay under this, with the success rate met (becomes a criterion)' }),
    success: successField.optional().meta({ description: 'Share of requests that must succeed; default: the scenario\'s (99.9%)' }),
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
  references: (s) => s.operations.map((o, i) => ({ name: o.target, path: ['operations', i, 'target'], kinds: ['engine', 'http', 'redis', 'postgres'] })),
  check(s, { targets }) {
    const issues: { path: (string | number)[]; message: string }[] = countOrDuration(s);
    s.operations.forEach((op, i) => {
      const kind = targets.get(op.target)?.kind;
      if (kind === 'redis' && !op.command) issues.push({ path: ['operations', i], message: `operation "${op.name}" loads Redis target "${op.target}": give "command", e.g. command: [GET, "orders:last"]` });
      else if (kind === 'postgres' && !op.query) issues.push({ path: ['operations', i], message: `operation "${op.name}" loads PostgreSQL target "${op.target}": give "query", e.g. query: "SELECT 1"` });
      else if (kind !== 'redis' && op.command) issues.push({ path: ['operations', i, 'command'], message: `"command" is for a Redis target; "${op.target}" is ${article(kind)} ${kind} target (give method, path and body instead)` });
      else if (kind !== 'postgres' && op.query) issues.push({ path: ['operations', i, 'query'], message: `"query" is for a PostgreSQL target; "${op.target}" is ${article(kind)} ${kind} target` });
    });
    return issues;
  },
  impliedCriteria: (s) =>
    s.operations.filter((o) => o.sla !== undefined).map((o) => ({ name: `${o.name} SLA`, expect: `scenario.${o.name}.p99_ms < ${o.sla}ms`, severity: 'critical' as const })),
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
          model: { type: 'closed', connections: s.connections, ...(op.requests ? { requests: op.requests } : countOrDurationModel(s, 100)) },
          ...ctx.load,
          successPct: op.success ?? s.success,
          slaMs: op.sla,
        }),
      );
    }
    return out;
  },
});

async function loadFor(op: Operation, targets: Parameters<typeof httpLoad>[1], timeoutMs: number) {
  const t = targets.get(op.target);
  // The config check has made sure the target exists and the operation fits its kind.
  if (t?.kind === 'redis') return { factory: await redisFactory(t.url, op.command!, timeoutMs), url: t.url, describe: `${op.command![0]} on ${redactUrl(t.url)}` };
  if (t?.kind === 'postgres') return { factory: await postgresFactory(t.url, op.query!, timeoutMs), url: t.url, describe: `SQL on ${redactUrl(t.url)}` };
  return httpLoad(op, targets, timeoutMs);
}
