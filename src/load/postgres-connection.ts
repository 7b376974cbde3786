import { explainPostgres } from '../protocols/postgres.js';
import { endpointOf } from '../protocols/network-errors.js';
import type { ConnectionFactory } from './types.js';

/** Load on PostgreSQL: each connection a client running the query, one at a time. */
export async function postgresFactory(url: string, query: string, timeoutMs: number): Promise<ConnectionFactory> {
  const { default: pg } = await import('pg');
  const at = endpointOf(url, 5432);
  return {
    ok: () => true,
    explain: (err) => explainPostgres(err, at),
    open() {
      const client = new pg.Client({
        connectionString: url,
        connectionTimeoutMillis: timeoutMs,
        query_timeout: timeoutMs,
        application_name: 'validate-load',
      });
      client.on('error', () => undefined);
      const connected = client.connect();
      connected.catch(() => undefined);
      return {
        send(done) {
          connected
            .then(() => client.query(query))
            .then(
              () => done(null, 0),
              (err: Error) => done(err, 0),
            );
        },
        close() {
          client.end().catch(() => undefined);
        },
      };
    },
  };
}
