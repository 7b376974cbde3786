import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeOne } from '../../src/run/probe-one.js';
import type { ProbeResult } from '../../src/results/result.js';
import { engineServer, hangingServer, type TestServer } from '../helpers/hostile.js';
import { freePort, waitFor } from '../helpers/ports.js';
import { POSTGRES_URL } from '../helpers/services.js';
import { psql, startCluster, startReplica, type Cluster } from '../helpers/postgres-cluster.js';
import { evaluateCriteria } from '../../src/criteria/evaluate.js';
import { compileCriterion, type Criterion } from '../../src/criteria/compile.js';
import { targetCatalog } from '../../src/config/validate.js';
import { target } from '../helpers/targets.js';

const value = (r: ProbeResult, metric: string) => r.measurements.find((m) => m.metric === metric)?.value;

describe('postgres probe against the real server', () => {
  let others: TestServer[] = [];
  beforeAll(async () => {
    const c = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
    await c.connect().catch((err) => {
      throw new Error(
        `PostgreSQL is not reachable at ${POSTGRES_URL} (${err.message}); the tests need it (set TEST_POSTGRES_URL to use another)`,
      );
    });
    await c.end();
    others = [await engineServer(), await hangingServer()];
  });
  afterAll(async () => {
    await Promise.all(others.map((s) => s.close()));
  });

  it('connects, times SELECT 1 and reads the server state; connections are what psql counts', async () => {
    const r = await probeOne(target('postgres', { url: POSTGRES_URL }), 2000);
    // psql's session stands in for the probe's own: both counts include exactly one session of the counter.
    const all = Number(psql(POSTGRES_URL, 'SELECT count(*) FROM pg_stat_activity'));
    const clients = Number(psql(POSTGRES_URL, "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"));
    expect(r.status).toBe('pass');
    expect(r.details).toMatchObject({ role: 'primary', version: psql(POSTGRES_URL, 'SHOW server_version') });
    expect(value(r, 'in_recovery')).toBe(0);
    expect([value(r, 'connections'), value(r, 'client_connections')]).toEqual([all, clients]);
    expect(value(r, 'max_connections')).toBe(Number(psql(POSTGRES_URL, 'SHOW max_connections')));
    expect(value(r, 'query_ms')).toBe(r.latencyMs);
    expect(r.measurements.some((m) => m.metric === 'replication_lag_s')).toBe(false); // only replicas have a lag
    // The identity the monitor compares between checks (a restart changes it): when the server started.
    expect(r.details.identity).toBe(psql(POSTGRES_URL, 'SELECT pg_postmaster_start_time()::text'));
  });

  it('reports the longest open transaction and warns past the threshold', async () => {
    const holder = new pg.Client({ connectionString: POSTGRES_URL, application_name: 'validate-test-long-tx' });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT txid_current()');
      await new Promise((r) => setTimeout(r, 1200));
      const r = await probeOne(target('postgres', { url: POSTGRES_URL, longTransactionWarn: '1s' }), 2000);
      expect(value(r, 'longest_transaction_s')).toBeGreaterThanOrEqual(1.2);
      expect(r.status).toBe('warn');
      expect(r.warnings.some((w) => /^a transaction has been open for \d+ s$/.test(w))).toBe(true);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  });

  it('a database that does not exist is named', async () => {
    const url = new URL(POSTGRES_URL);
    url.pathname = '/no_such_db_here';
    const r = await probeOne(target('postgres', { url: url.toString() }), 2000);
    expect(r.error).toBe(`PostgreSQL at ${url.hostname}:${url.port || 5432}: database "no_such_db_here" does not exist`);
  });

  it('an HTTP server is not PostgreSQL', async () => {
    const r = await probeOne(target('postgres', { url: `postgres://u@127.0.0.1:${others[0].port}/db` }), 2000);
    expect(r.status).toBe('fail');
    expect(r.error).toBe(
      `connection closed by 127.0.0.1:${others[0].port} during the handshake (not PostgreSQL, or it refused this client)`,
    );
  });

  it('a server that accepts and never answers times out, saying it was connected', async () => {
    const r = await probeOne(target('postgres', { url: `postgres://u@127.0.0.1:${others[1].port}/db` }), 400);
    expect(r.error).toBe('timeout after 400 ms waiting for the server to answer the startup message (connected, but it never answered)');
  });

  it('a closed port is connection refused', async () => {
    const port = await freePort();
    expect((await probeOne(target('postgres', { url: `postgres://u@127.0.0.1:${port}/db` }), 2000)).error).toBe(
      `connection refused: nothing is listening on 127.0.0.1:${port}`,
    );
  });
});

describe('postgres probe against a private cluster and its streaming replica', () => {
  let primary: Cluster;
  let replica: Cluster;
  beforeAll(async () => {
    primary = await startCluster({ max_connections: 10, superuser_reserved_connections: 3 });
    replica = await startReplica(primary);
  }, 90_000);
  afterAll(async () => {
    await replica?.stop();
    await primary?.stop();
  });

  it('connections used is of the slots non-superusers may use: at 100% PostgreSQL itself refuses the next one', async () => {
    const held: pg.Client[] = [];
    try {
      for (let i = 0; i < 6; i++) held.push(await connectOnceFree(primary.appUrl));
      // Six held plus the probe's own: 7 of max_connections 10 minus 3 reserved.
      const r = await probeOne(target('postgres', { url: primary.appUrl }), 3000);
      expect(value(r, 'client_connections')).toBe(7);
      expect(value(r, 'connections_used_pct')).toBe(100);
      expect(r.warnings[0]).toBe('connections at 100% of the 7 slots non-superusers may use (7 client connections)');
      // No test connections to a server with no free slot: its access is left unknown, saying why.
      expect(r.unmeasured?.auth_required).toMatch(/^every connection slot is in use/);
      // The independent proof: with the six still held, one more ordinary connection and the probe's are all there is.
      // The probe's backend leaves when its client ends, but PostgreSQL frees the slot only once the backend
      // process has exited (and a psql asking pg_stat_activity leaves a backend of its own behind the same way):
      // on a busy machine that is later, so each connection waits for those to go rather than race them.
      held.push(await connectOnceFree(primary.appUrl));
      expect(psql(primary.url, "SELECT count(*) FROM pg_stat_activity WHERE usename = 'app'")).toBe('7');
      const refused = await new pg.Client({ connectionString: primary.appUrl }).connect().then(
        () => 'connected',
        (err: Error) => err.message,
      );
      expect(refused).toMatch(/remaining connection slots are reserved/);
    } finally {
      await Promise.all(held.map((c) => c.end().catch(() => undefined)));
    }
  });

  it('a streaming replica: in recovery, streaming from its primary, lag as its own LSNs say', async () => {
    await waitForStreaming(replica);
    const r = await probeOne(target('postgres', { url: replica.url }), 3000);
    expect(r.details).toMatchObject({ role: 'replica (in recovery)', streaming_from: `127.0.0.1:${primary.port}` });
    expect(value(r, 'in_recovery')).toBe(1);
    const bytes = Number(psql(replica.url, 'SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())'));
    expect(value(r, 'replication_lag_bytes')).toBe(bytes);
    expect(value(r, 'replication_lag_s')).toBeLessThan(1);
    // The primary sees it too.
    expect(value(await probeOne(target('postgres', { url: primary.url }), 3000), 'replicas')).toBe(
      Number(psql(primary.url, 'SELECT count(*) FROM pg_stat_replication')),
    );
  });

  it('a replica whose primary is gone has no WAL receiver: a warning, and no lag to read because replication is broken (NOT MET), never 0', async () => {
    await primary.stop();
    await waitForNoReceiver(replica);
    const r = await probeOne(target('postgres', { url: replica.url }), 3000);
    expect(psql(replica.url, 'SELECT count(*) FROM pg_stat_wal_receiver')).toBe('0');
    expect(r.status).toBe('warn');
    expect(r.warnings).toContain(
      'replica with no WAL receiver: it is not streaming from a primary (primary gone, or primary_conninfo wrong)',
    );
    expect(r.measurements.some((m) => m.metric === 'replication_lag_s')).toBe(false);
    const t = target('postgres', { url: replica.url });
    const c = compileCriterion({ expect: 'postgres.replication_lag_s < 10s', severity: 'critical' }, targetCatalog([t])) as Criterion;
    expect(evaluateCriteria([c], [r])[0]).toMatchObject({
      outcome: 'NOT MET',
      status: 'fail',
      reason: 't: the replica has no WAL receiver: it is not streaming from a primary',
    });
  });
});

async function waitForStreaming(c: Cluster): Promise<void> {
  const { waitFor } = await import('../helpers/ports.js');
  await waitFor('the replica to stream', async () => psql(c.url, 'SELECT status FROM pg_stat_wal_receiver') === 'streaming', 20_000);
}

async function waitForNoReceiver(c: Cluster): Promise<void> {
  const { waitFor } = await import('../helpers/ports.js');
  await waitFor(
    'the replica to lose its WAL receiver',
    async () => psql(c.url, 'SELECT count(*) FROM pg_stat_wal_receiver') === '0',
    20_000,
  );
}

/** An ordinary connection, retried while backends that have already ended still hold their slots. */
async function connectOnceFree(url: string): Promise<pg.Client> {
  let client: pg.Client | undefined;
  await waitFor('a free connection slot (backends that ended still exiting)', async () => {
    const c = new pg.Client({ connectionString: url });
    const ok = await c.connect().then(
      () => true,
      (err: Error) => (/remaining connection slots are reserved/.test(err.message) ? false : Promise.reject(err)),
    );
    if (ok) client = c;
    return ok;
  });
  return client as pg.Client;
}
