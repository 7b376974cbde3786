import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, chownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeOne } from '../../src/run/probe-one.js';
import type { ProbeResult } from '../../src/results/result.js';
import { certificateFor } from '../helpers/certs.js';
import { waitFor } from '../helpers/ports.js';
import { psql, startCluster, type Cluster } from '../helpers/postgres-cluster.js';
import { POSTGRES_URL } from '../helpers/services.js';
import { target } from '../helpers/targets.js';

/**
 * Backups and access on private PostgreSQL clusters (never the machine's own): WAL archiving that fails
 * and then works, a replication slot nobody reads, and a server that wants TLS and a password. Each number
 * is checked against what psql and openssl say of the same server.
 */
const value = (r: ProbeResult, metric: string) => r.measurements.find((m) => m.metric === metric)?.value;
const num = (url: string, sql: string) => Number(psql(url, sql));

describe('PostgreSQL backups: WAL archiving and replication slots, as pg_stat_archiver says', () => {
  let db: Cluster;
  let archive: string;
  beforeAll(async () => {
    archive = mkdtempSync(join(tmpdir(), 'validate-archive-'));
    chownSync(archive, Number(execFileSync('id', ['-u', 'postgres'])), Number(execFileSync('id', ['-g', 'postgres'])));
    db = await startCluster({ archive_mode: 'on', archive_command: `cp %p ${archive}/%f` });
  });
  afterAll(async () => {
    await db?.stop();
    rmSync(archive, { recursive: true, force: true });
  });

  it('a working archive command: not failing, and the newest archived segment is as old as psql says', async () => {
    psql(db.url, 'CREATE TABLE t AS SELECT generate_series(1, 1000) AS x');
    psql(db.url, 'SELECT pg_switch_wal()');
    await waitFor('an archived segment', async () => num(db.url, 'SELECT archived_count FROM pg_stat_archiver') > 0);
    const r = await probeOne(target('postgres', { url: db.url }), 3000);
    const age = num(db.url, 'SELECT extract(epoch FROM now() - last_archived_time) FROM pg_stat_archiver');
    expect(value(r, 'archive_failing')).toBe(0);
    expect(value(r, 'last_archive_age_s')).toBeLessThanOrEqual(age);
    expect(value(r, 'last_archive_age_s')).toBeGreaterThan(age - 5);
    expect(value(r, 'inactive_slots')).toBe(0);
    expect(r.status).toBe('pass');
  });
  it('then an archive command that fails: archiving failing, the failures counted, the probe warns', async () => {
    // The archive destination goes away (an unmounted volume): cp fails from the next segment on.
    rmSync(archive, { recursive: true, force: true });
    psql(db.url, 'INSERT INTO t SELECT generate_series(1, 1000)');
    psql(db.url, 'SELECT pg_switch_wal()');
    await waitFor('a failed archive', async () => num(db.url, 'SELECT failed_count FROM pg_stat_archiver') > 0);
    psql(db.url, "SELECT pg_create_physical_replication_slot('held', true)");
    const before = num(db.url, 'SELECT failed_count FROM pg_stat_archiver');
    const heldBefore = num(
      db.url,
      "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) FROM pg_replication_slots WHERE slot_name = 'held'",
    );
    const r = await probeOne(target('postgres', { url: db.url }), 3000);
    const after = num(db.url, 'SELECT failed_count FROM pg_stat_archiver');
    const heldAfter = num(
      db.url,
      "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) FROM pg_replication_slots WHERE slot_name = 'held'",
    );
    expect(value(r, 'wal_archiving')).toBe(1);
    expect(value(r, 'archive_failing')).toBe(1);
    expect(value(r, 'archive_failed_count')).toBeGreaterThanOrEqual(before);
    expect(value(r, 'archive_failed_count')).toBeLessThanOrEqual(after);
    expect(r.status).toBe('warn');
    const failedWal = psql(db.url, 'SELECT last_failed_wal FROM pg_stat_archiver');
    expect(r.warnings).toContainEqual(
      expect.stringMatching(
        new RegExp(`^WAL archiving is failing: \\d+ failed, the last on segment ${failedWal}; the newest archived is \\d+ s old$`),
      ),
    );
    expect(value(r, 'inactive_slots')).toBe(1);
    expect(value(r, 'slot_retained_wal_bytes')).toBeGreaterThanOrEqual(heldBefore);
    expect(value(r, 'slot_retained_wal_bytes')).toBeLessThanOrEqual(heldAfter);
    expect(r.warnings).toContainEqual(expect.stringMatching(/^replication slot held not in use: WAL is kept for it/));
  });
});

describe('PostgreSQL access: a password and TLS, as psql and openssl s_client find them', () => {
  let locked: Cluster;
  const cert = certificateFor(['IP:127.0.0.1'], 5);
  beforeAll(async () => {
    locked = await startCluster(
      { ssl: 'on', ssl_cert_file: 'server.pem', ssl_key_file: 'server.key' },
      {
        files: { 'server.pem': cert.cert, 'server.key': cert.key },
        hba: [
          'local all all trust',
          'host all postgres 127.0.0.1/32 trust',
          'hostssl all app 127.0.0.1/32 scram-sha-256',
          'host replication all 127.0.0.1/32 trust',
        ].join('\n'),
      },
    );
    psql(locked.url, "ALTER ROLE app PASSWORD 'app-secret'");
  });
  afterAll(() => locked?.stop());

  it("the machine's PostgreSQL (trust, no TLS): lets in anyone, in the clear, as psql without a password does", async () => {
    const r = await probeOne(target('postgres', { url: POSTGRES_URL }), 3000);
    expect(psql(`${POSTGRES_URL}${POSTGRES_URL.includes('?') ? '&' : '?'}sslmode=disable`, 'SELECT 1')).toBe('1');
    expect(value(r, 'auth_required')).toBe(0);
    const ssl = psql(POSTGRES_URL, 'SHOW ssl');
    expect(value(r, 'tls_enabled')).toBe(ssl === 'on' ? 1 : 0);
    if (ssl !== 'on') expect(value(r, 'tls_required')).toBe(0);
  });

  it('hostssl with a password: both required; the certificate read as openssl reads it, 5 days left is a failure', async () => {
    const url = `postgres://app:app-secret@127.0.0.1:${locked.port}/postgres?sslmode=no-verify`;
    const r = await probeOne(target('postgres', { url }), 3000);
    // The independent view: psql refused in the clear, asked for a password without one.
    expect(() =>
      execFileSync('psql', [`postgres://app@127.0.0.1:${locked.port}/postgres?sslmode=disable`, '-Atc', 'SELECT 1'], {
        stdio: 'pipe',
        env: { ...process.env, PGPASSWORD: 'app-secret' },
      }),
    ).toThrow(/no encryption/);
    expect(() =>
      execFileSync('psql', ['-w', `postgres://app@127.0.0.1:${locked.port}/postgres?sslmode=require`, '-Atc', 'SELECT 1'], {
        stdio: 'pipe',
      }),
    ).toThrow(/password/);
    expect(r.unmeasured?.auth_required).toBeUndefined();
    expect(r.unmeasured?.tls_required).toBeUndefined();
    expect(value(r, 'auth_required')).toBe(1);
    expect(value(r, 'tls_required')).toBe(1);
    expect(value(r, 'tls_enabled')).toBe(1);
    const served = execFileSync(
      'sh',
      ['-c', `openssl s_client -starttls postgres -connect 127.0.0.1:${locked.port} </dev/null 2>/dev/null | openssl x509 -noout -enddate`],
      { encoding: 'utf8' },
    );
    const expected = (Date.parse(served.trim().replace(/^notAfter=/, '')) - Date.now()) / 86_400_000;
    expect(value(r, 'tls_expires_in_days')).toBeCloseTo(expected, 1);
    expect(value(r, 'tls_valid')).toBe(0); // a private CA this process does not trust
    expect(r.status).toBe('fail');
    expect(r.error).toMatch(
      /^TLS certificate expires in [45]\.\d days \(\d{4}-\d\d-\d\d\): under the 7 days required; renew it before go-live$/,
    );
  });
});
