import { z } from 'zod';
import { name } from '../fields/fields.js';
import { redactUrl } from '../util/redact.js';
import { defineFault } from './types.js';
import { connectPostgres } from '../protocols/postgres.js';

const schema = z
  .strictObject({
    type: z.literal('postgres-terminate'),
    target: name.meta({ description: 'The PostgreSQL target whose sessions are terminated' }),
    application: z.string().optional().meta({ description: 'Only sessions with this application_name' }),
    user: z.string().optional().meta({ description: 'Only sessions of this role' }),
    database: z.string().optional().meta({ description: 'Only sessions on this database' }),
  })
  .refine((f) => f.application || f.user || f.database, {
    message: 'give at least one of application, user, database: terminating every session of a server is not a test, it is an outage',
  });
export type PostgresTerminateFault = z.output<typeof schema>;

/** A database connection reset: pg_terminate_backend on the sessions matching the filter. */
export const postgresTerminateFault = defineFault<PostgresTerminateFault>({
  type: 'postgres-terminate',
  summary: 'Terminate PostgreSQL sessions (pg_terminate_backend) by application, user or database',
  schema,
  references: (f) => [{ name: f.target, kinds: ['postgres'] }],
  describe: (f, targets) =>
    `terminate the sessions ${filterText(f)} on PostgreSQL "${f.target}" (${redactUrl(targets.get(f.target)?.url ?? '?')})`,
  async inject(f, ctx) {
    const target = ctx.targets.get(f.target)!;
    const client = await connectPostgres(target.url, {
      timeoutMs: target.timeout ?? ctx.timeoutMs,
      application: 'validate-fault',
      signal: ctx.signal,
    });
    try {
      const { rows } = await client.query(
        `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
          WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'
            AND ($1::text IS NULL OR application_name = $1) AND ($2::text IS NULL OR usename = $2) AND ($3::text IS NULL OR datname = $3)`,
        [f.application ?? null, f.user ?? null, f.database ?? null],
      );
      const n = Number(rows[0].n);
      return {
        detail:
          n > 0 ? `terminated ${n} session(s) on ${f.target}` : `terminated no session: none ${filterText(f)} was connected to ${f.target}`,
        affected: n,
      };
    } finally {
      await client.end().catch(() => undefined);
    }
  },
});

function filterText(f: PostgresTerminateFault): string {
  return [f.application && `of application ${f.application}`, f.user && `of user ${f.user}`, f.database && `on database ${f.database}`]
    .filter(Boolean)
    .join(', ');
}
