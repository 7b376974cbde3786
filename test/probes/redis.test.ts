import { createServer, connect } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeOne } from '../../src/run/probe-one.js';
import type { ProbeResult } from '../../src/results/result.js';
import { engineServer, hangingServer, type TestServer } from '../helpers/hostile.js';
import { freePort } from '../helpers/ports.js';
import { redisCli, startRedis, type Running } from '../helpers/services.js';
import { target } from '../helpers/targets.js';

/** A TCP proxy to `port` that can hold back what the first connection (a replica's link) receives. */
async function holdingProxy(port: number): Promise<{ port: number; hold(ms: number): void; close(): void }> {
  let heldUntil = 0;
  let first = true;
  const server = createServer((client) => {
    const isLink = first;
    first = false;
    const upstream = connect(port, '127.0.0.1');
    client.pipe(upstream);
    upstream.on('data', (d) => {
      const wait = isLink ? heldUntil - performance.now() : 0;
      if (wait > 0) setTimeout(() => client.write(d), wait);
      else client.write(d);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    hold: (ms) => (heldUntil = performance.now() + ms),
    close: () => server.close(),
  };
}

const value = (r: ProbeResult, metric: string) => r.measurements.find((m) => m.metric === metric && !m.labels)?.value;

describe('redis probe against real redis-server instances', () => {
  let primary: Running;
  let replica: Running;
  let secured: Running;
  let others: TestServer[] = [];
  beforeAll(async () => {
    primary = await startRedis({ extra: ['--maxmemory', '64mb'] });
    [replica, secured] = await Promise.all([startRedis({ replicaOf: primary.port }), startRedis({ password: 'p@ss w0rd!' })]);
    others = [await engineServer(), await hangingServer()];
  });
  afterAll(async () => {
    await Promise.all([primary, replica, secured].filter(Boolean).map((r) => r.stop()));
    await Promise.all(others.map((s) => s.close()));
  });

  it('measures a primary: PING samples, clients, memory against maxmemory, CPU, replicas', async () => {
    const r = await probeOne(target('redis', { url: primary.url, samples: 4, window: '150ms' }), 2000);
    expect(r.status).toBe('pass');
    expect(r.details).toMatchObject({ role: 'master', version: expect.stringMatching(/^\d+\.\d+/) });
    expect(value(r, 'ping_min_ms')!).toBeLessThanOrEqual(value(r, 'ping_ms')!);
    expect(value(r, 'ping_ms')!).toBeLessThanOrEqual(value(r, 'ping_max_ms')!);
    expect(value(r, 'maxmemory_bytes')).toBe(64 * 1024 * 1024);
    expect(value(r, 'memory_used_pct')).toBeCloseTo((value(r, 'used_memory_bytes')! / (64 * 1024 * 1024)) * 100, 6);
    expect(value(r, 'connected_replicas')).toBe(1);
    expect(value(r, 'connected_clients')).toBeGreaterThanOrEqual(1); // this probe; Redis leaves replica links out of this count
    expect(value(r, 'clients_used_pct')).toBeCloseTo((value(r, 'connected_clients')! / value(r, 'maxclients')!) * 100, 6);
    expect(value(r, 'cpu_pct')).toBeGreaterThanOrEqual(0);
    expect(value(r, 'rdb_last_save_ok')).toBe(1);
    expect(r.latencyMs).toBe(value(r, 'ping_ms'));
    // The identity the monitor compares between checks (a restart changes it) is the server's run_id.
    const runId = /^run_id:(\w+)/m.exec(await redisCli(primary.port, 'INFO', 'server'))![1];
    expect(r.details.identity).toBe(runId);
  });

  it('reads an in-sync replica: role, link up, and no lag, as the offsets redis-cli shows say', async () => {
    const r = await probeOne(target('redis', { url: replica.url }), 2000);
    const offset = (port: number, key: string) =>
      redisCli(port, 'INFO', 'replication').then((t) => Number(new RegExp(`^${key}:(\\d+)`, 'm').exec(t)![1]));
    expect(await offset(replica.port, 'slave_repl_offset')).toBe(await offset(primary.port, 'master_repl_offset'));
    expect(r.status).toBe('pass');
    expect(r.details).toMatchObject({ role: 'replica', master: `127.0.0.1:${primary.port}` });
    expect(value(r, 'master_link_up')).toBe(1);
    // Zero, unless the primary's periodic PING to its replicas (a few bytes) happened to be in flight.
    expect(value(r, 'replication_lag_bytes')).toBeLessThan(100);
    expect(value(r, 'replication_lag_s')).toBeLessThan(0.05);
  });

  it("a replica that falls behind: its lag is how long it takes to catch up with the primary's offset", async () => {
    // The replica follows the primary through a proxy that can hold the replication stream back for a known
    // time (the network between them stalling); the replica itself keeps answering.
    const proxy = await holdingProxy(primary.port);
    const follower = await startRedis({ replicaOf: proxy.port });
    try {
      proxy.hold(1000);
      const heldAt = performance.now();
      const writer = new Redis(primary.port, '127.0.0.1');
      for (let i = 0; i < 100; i++) await writer.set(`k${i}`, 'v'.repeat(100));
      writer.disconnect();
      const probedAt = performance.now();
      const r = await probeOne(target('redis', { url: follower.url, samples: 1 }), 3000);
      // It cannot have caught up before the stream was released.
      const expected = (heldAt + 1000 - probedAt) / 1000;
      expect(value(r, 'replication_lag_bytes')).toBeGreaterThan(100 * 100);
      expect(Math.abs(value(r, 'replication_lag_s')! - expected)).toBeLessThan(0.15);
    } finally {
      await follower.stop();
      proxy.close();
    }
  });

  it('a Redis at maxclients refuses new clients, and says so rather than "connection reset"', async () => {
    const full = await startRedis({ extra: ['--maxclients', '1'] });
    const holder = new Redis(full.port, '127.0.0.1');
    // When the server is stopped under it, the holder's reconnect errors are expected, not news.
    holder.on('error', () => undefined);
    await holder.ping();
    try {
      const r = await probeOne(target('redis', { url: full.url }), 2000);
      expect(r.status).toBe('fail');
      expect(r.error).toBe(
        `Redis at 127.0.0.1:${full.port} refuses new clients: maxclients reached (raise maxclients, or find what holds the connections: CLIENT LIST)`,
      );
      // What Redis itself says to a new client now: redis-cli gets the same refusal.
      expect(await redisCli(full.port, 'PING')).toMatch(/max number of clients reached/);
    } finally {
      holder.disconnect();
      await full.stop();
    }
  });

  it('warns when the replica has lost its primary', async () => {
    const orphan = await startRedis();
    const c = new Redis(orphan.port, '127.0.0.1');
    await c.replicaof('127.0.0.1', String(await freePort())); // a primary that does not exist
    c.disconnect();
    const r = await probeOne(target('redis', { url: orphan.url }), 2000);
    await orphan.stop();
    expect(r.status).toBe('warn');
    expect(r.warnings[0]).toMatch(/^replica: the replication link to 127\.0\.0\.1:\d+ is down \(it never synced\)$/);
    expect(value(r, 'master_link_up')).toBe(0);
    // Unknown, not -1 and not a number that would pass `< 10s`.
    expect(r.measurements.some((m) => m.metric === 'replication_lag_s')).toBe(false);
    // No lag because replication is broken: the platform's failure (a criterion on it is NOT MET), not the probe's gap.
    expect(r.broken?.replication_lag_s).toMatch(/^the replication link to 127\.0\.0\.1:\d+ is down \(it never synced\)$/);
  });

  it('warns when the last background save failed', async () => {
    const broken = await startRedis({ extra: ['--enable-protected-configs', 'yes'] });
    const c = new Redis(broken.port, '127.0.0.1');
    await c.config('SET', 'dir', '/proc'); // nothing can be written there, not even by root
    await c.bgsave();
    for (let i = 0; i < 50 && !(await c.info('persistence')).includes('rdb_last_bgsave_status:err'); i++)
      await new Promise((r) => setTimeout(r, 50));
    c.disconnect();
    const r = await probeOne(target('redis', { url: broken.url }), 2000);
    await broken.stop();
    expect(r.status).toBe('warn');
    expect(r.warnings).toContain('last RDB background save failed');
    expect(value(r, 'rdb_last_save_ok')).toBe(0);
  });

  it('says whether the data survives a restart, as redis-cli INFO persistence and CONFIG GET save say', async () => {
    const kept = await startRedis({ extra: ['--save', '3600 1', '--appendonly', 'yes'] });
    const c = new Redis(kept.port, '127.0.0.1');
    await c.set('a', '1');
    await c.set('b', '2');
    c.disconnect();
    const r = await probeOne(target('redis', { url: kept.url }), 2000);
    const info = await redisCli(kept.port, 'INFO', 'persistence');
    const field = (k: string) => Number(new RegExp(`^${k}:(\\d+)`, 'm').exec(info)![1]);
    const serverNowS = Number(/^server_time_usec:(\d+)/m.exec(await redisCli(kept.port, 'INFO', 'server'))![1]) / 1e6;
    await kept.stop();
    expect(field('aof_enabled')).toBe(1);
    expect(value(r, 'aof_enabled')).toBe(1);
    expect(value(r, 'rdb_enabled')).toBe(1);
    expect(value(r, 'persistence_enabled')).toBe(1);
    expect(r.details.persistence).toBe('rdb+aof');
    expect(value(r, 'rdb_changes_since_last_save')).toBe(field('rdb_changes_since_last_save'));
    expect(value(r, 'rdb_changes_since_last_save')).toBeGreaterThanOrEqual(2);
    // The age as the server's own clock gives it: it only grew between the probe and redis-cli.
    const age = serverNowS - field('rdb_last_save_time');
    expect(value(r, 'rdb_last_save_age_s')).toBeLessThanOrEqual(age);
    expect(value(r, 'rdb_last_save_age_s')).toBeGreaterThan(age - 5);

    // The test servers keep nothing (--save '' --appendonly no): a restart loses everything.
    const none = await probeOne(target('redis', { url: primary.url }), 2000);
    expect(await redisCli(primary.port, 'CONFIG', 'GET', 'save')).toBe('save');
    expect(value(none, 'persistence_enabled')).toBe(0);
    expect(none.details.persistence).toBe('none');
  });

  it('leaves the save schedule unknown, never off, when CONFIG is renamed away', async () => {
    const locked = await startRedis({ extra: ['--rename-command', 'CONFIG', ''] });
    const r = await probeOne(target('redis', { url: locked.url }), 2000);
    await locked.stop();
    expect(r.status).toBe('pass');
    expect(value(r, 'rdb_enabled')).toBeUndefined();
    expect(value(r, 'persistence_enabled')).toBeUndefined();
    expect(r.unmeasured?.persistence_enabled).toMatch(
      /^CONFIG GET save was refused \(.*unknown command.*\): whether RDB snapshots are scheduled is unknown$/i,
    );
    expect(value(r, 'aof_enabled')).toBe(0);
  });

  it('authenticates with the password from the URL', async () => {
    const r = await probeOne(target('redis', { url: secured.url }), 2000);
    expect(r.status).toBe('pass');
    expect(r.target).toBe(`redis://:***@127.0.0.1:${secured.port}`);
  });

  it('says whether the server lets in a client without credentials, as redis-cli without a password finds', async () => {
    const value = (r: ProbeResult) => r.measurements.find((m) => m.metric === 'auth_required')?.value;
    const secure = await probeOne(target('redis', { url: secured.url }), 2000);
    expect(await redisCli(secured.port, 'PING')).toMatch(/NOAUTH/);
    expect(value(secure)).toBe(1);
    // A password in the URL proves nothing when the server needs none: it still lets anyone in.
    const open = await probeOne(target('redis', { url: `redis://:not-needed@127.0.0.1:${primary.port}` }), 2000);
    expect(await redisCli(primary.port, 'PING')).toBe('PONG');
    expect(value(open)).toBe(0);
    expect(value(await probeOne(target('redis', { url: primary.url }), 2000))).toBe(0);
  });

  it('a missing password says how to give one', async () => {
    const r = await probeOne(target('redis', { url: `redis://127.0.0.1:${secured.port}` }), 2000);
    expect(r.error).toBe(
      `authentication required by Redis at 127.0.0.1:${secured.port}: add a password to the URL (redis://:PASSWORD@host)`,
    );
  });

  it('a wrong password is an authentication failure that does not echo the password', async () => {
    const r = await probeOne(target('redis', { url: `redis://:wrong-secret@127.0.0.1:${secured.port}` }), 2000);
    expect(r.error).toBe(`authentication failed for Redis at 127.0.0.1:${secured.port}: wrong password (check the URL's password)`);
    expect(JSON.stringify(r)).not.toContain('wrong-secret');
  });

  it('an HTTP server is not Redis', async () => {
    const r = await probeOne(target('redis', { url: `redis://127.0.0.1:${others[0].port}` }), 2000);
    expect(r.status).toBe('fail');
    expect(r.error).toMatch(new RegExp(`^not that protocol: 127\\.0\\.0\\.1:${others[0].port} does not speak the expected protocol`));
  });

  it('a server that never answers times out at the first command', async () => {
    const r = await probeOne(target('redis', { url: `redis://127.0.0.1:${others[1].port}` }), 400);
    expect(r.error).toBe(
      'timeout after 400 ms waiting for the handshake (AUTH, CLIENT SETNAME) to be answered (connected, but it never answered)',
    );
  });

  it('a TLS port that accepts and never finishes the handshake reads as https does: a timeout in the TLS handshake', async () => {
    const [redis, https] = await Promise.all([
      probeOne(target('redis', { url: `rediss://127.0.0.1:${others[1].port}` }), 400),
      probeOne(target('http', { url: `https://127.0.0.1:${others[1].port}/` }), 400),
    ]);
    expect(redis.error).toMatch(/^timeout after 400 ms TLS handshake/);
    expect(https.error).toMatch(/^timeout after 400 ms TLS handshake/);
  });

  it('names where it stuck when a busy loop reads the connection only after the deadline (a CI runner said "connecting")', async () => {
    const url = `rediss://127.0.0.1:${others[1].port}`;
    const probes = () => [probeOne(target('redis', { url }), 100), probeOne(target('http', { url: url.replace('rediss', 'https') }), 100)];
    await Promise.all(probes()); // their modules loaded, so the next ones start connecting at once
    const pending = probes();
    for (let i = 0; i < 100; i++) await Promise.resolve(); // they connect (a local port answers in microseconds)...
    // ...but their loop is held past the deadline, as on a busy runner: the timers and the connections are due at once.
    const until = performance.now() + 300;
    while (performance.now() < until);
    for (const r of await Promise.all(pending)) expect(r.error).toMatch(/^timeout after 100 ms TLS handshake/);
  });

  it("a busy loop's late deadline names the stage the probe was at, not one a client library's own timeout moved it on to", async () => {
    // Connected and waiting for the handshake's answer (which never comes)...
    const pending = probeOne(target('redis', { url: `redis://127.0.0.1:${others[1].port}` }), 100);
    await new Promise((r) => setTimeout(r, 50));
    // ...then the loop is held past the deadline: ioredis's command timeout, due just after it, moves the probe
    // on to its next command before the deadline is read. A CI runner with two busy loops said "waiting for INFO".
    const until = performance.now() + 300;
    while (performance.now() < until);
    expect((await pending).error).toBe(
      'timeout after 100 ms waiting for the handshake (AUTH, CLIENT SETNAME) to be answered (connected, but it never answered)',
    );
  });
});
