import { commonJs } from '../common-js.js';

/**
 * Connections a simulated engine depends on, like the reference platform's engines on their Redis bus
 * and database: they reconnect on their own after a fault, so the demo's fault experiments recover.
 */
export interface Dependency {
  ok(): Promise<boolean>;
  close(): void;
}

const RECONNECT_MS = 300;

export async function redisDependency(url: string, clientName: string): Promise<Dependency> {
  const { Redis } = commonJs(await import('ioredis'));
  const client = new Redis(url, {
    connectionName: clientName,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => RECONNECT_MS,
  });
  client.on('error', () => undefined);
  return {
    ok: () =>
      client.ping().then(
        () => true,
        () => false,
      ),
    close: () => client.disconnect(),
  };
}

export async function postgresDependency(url: string, applicationName: string): Promise<Dependency> {
  const { default: pg } = await import('pg');
  let client: InstanceType<typeof pg.Client> | undefined;
  let closed = false;
  const connect = () => {
    const c = new pg.Client({ connectionString: url, application_name: applicationName });
    c.on('error', () => undefined);
    c.on('end', () => {
      client = undefined;
      if (!closed) setTimeout(connect, RECONNECT_MS);
    });
    c.connect().then(
      () => {
        client = c;
      },
      () => {
        if (!closed) setTimeout(connect, RECONNECT_MS);
      },
    );
  };
  connect();
  return {
    ok: () =>
      client
        ? client.query('SELECT 1').then(
            () => true,
            () => false,
          )
        : Promise.resolve(false),
    close: () => {
      closed = true;
      client?.end().catch(() => undefined);
    },
  };
}
