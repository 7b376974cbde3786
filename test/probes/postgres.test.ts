import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeOne } from '../../src/run/probe-one.js';
import type { ProbeResult } from '../../src/results/result.js';
import { engineServer, hangingServer, type TestServer } from '../helpers/hostile.js';
import { freePort } from '../helpers/ports.js';
import { POSTGRES_URL } from '../helpers/services.js';
import { target } from '../helpers/targets.js';

const value = (r: ProbeResult, metric: string) => r.measurements.find((m) => m.metric === metric)?.value;

describe('postgres probe against the real server', () => {
  let others: TestServer[] = [];
  beforeAll(async () => {
    const c = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
    await c.connect().catch((err) => {
      throw new Error(`PostgreSQL is not reachable at ${POSTGRES_URL} (${err.message}); the tests need it (set TEST_POSTGRES_URL to use another)`);
    });
    await c.end();
    others = [await engineServer(), await hangingServer()];
  });
  afterAll(async () => {
    await Promise.all(others.map((s) => s.close()));
  });

  it('connects, times SELECT 1 and reads the server state', async () => {
    const r = await probeOne(target('postgres', { url: POSTGRES_URL }), 2000);
    expect(r.status).toBe('pass');
    expect(r.details).toMatchObject({ role: 'primary', version: expect.stringMatching(/^\d+/) });
    expect(value(r, 'in_recovery')).toBe(0);
    expect(value(r, 'connections')).toBeGreaterThanOrEqual(1);
    expect(value(r, 'connections_used_pct')).toBeCloseTo((value(r, 'connections')! / value(r, 'max_connections')!) * 100, 6);
    expect(value(r, 'query_ms')).toBe(r.latencyMs);
    expect(r.measurements.some((m) => m.metric === 'replication_lag_s')).toBe(false); // only replicas have a lag
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
    expect(r.error).toBe(`connection closed by 127.0.0.1:${others[0].port} during the handshake (not PostgreSQL, or it refused this client)`);
  });

  it('a server that accepts and never answers times out, saying it was connected', async () => {
    const r = await probeOne(target('postgres', { url: `postgres://u@127.0.0.1:${others[1].port}/db` }), 400);
    expect(r.error).toBe('timeout after 400 ms waiting for the server to answer the startup message (connected, but it never answered)');
  });

  it('a closed port is connection refused', async () => {
    const port = await freePort();
    expect((await probeOne(target('postgres', { url: `postgres://u@127.0.0.1:${port}/db` }), 2000)).error).toBe(`connection refused: nothing is listening on 127.0.0.1:${port}`);
  });
});
