import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, whyNot } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { redisCli, startRedis, type Running } from '../helpers/services.js';

interface Criterion {
  name: string;
  outcome: string;
  status: string;
  reason?: string;
}

/**
 * What the tool could not measure is not the platform's failure: INCONCLUSIVE, exit 3, naming the fix.
 * What the platform's own state leaves without a number (a replica whose link is down) is NOT MET, exit 1.
 * Real Redis servers of the test's own: one with only a pattern subscriber, one replica of nothing.
 */
describe('could not measure, or the platform failed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'validate-unmeasured-'));
  let bus: Running;
  let replica: Running;
  let listener: Redis;

  beforeAll(async () => {
    // A primary nothing listens on: the replica's link stays down.
    [bus, replica] = await Promise.all([startRedis(), startRedis()]);
    await redisCli(replica.port, 'REPLICAOF', '127.0.0.1', String(await freePort()));
    listener = new Redis(bus.port, '127.0.0.1');
    await listener.psubscribe('md:*');
  });
  afterAll(async () => {
    listener?.disconnect();
    await Promise.all([bus?.stop(), replica?.stop()]);
  });

  const run = async (target: string, expect: string) => {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, `version: 1\ntargets:\n${target}\ncriteria:\n  - { name: Under test, expect: '${expect}' }\n`);
    const r = await runCli(['run', file, '-f', 'json']);
    const report = JSON.parse(r.stdout) as { verdict: string; criteria: Criterion[]; inconclusive: string[] };
    return { r, report, criterion: report.criteria.find((c) => c.name === 'Under test')! };
  };

  it('a channel only a pattern subscriber receives: the count Redis cannot give is NOT RUN and INCONCLUSIVE, exit 3, saying how to measure it', async () => {
    const { r, report, criterion } = await run(
      `  - { name: primary, kind: redis, url: "redis://127.0.0.1:${bus.port}", bus: { channels: [md:quotes] } }`,
      'redis.primary.subscribers{channel="md:quotes"} >= 1',
    );
    expect(r.code, whyNot(r)).toBe(3);
    expect(report.verdict).toBe('INCONCLUSIVE');
    expect(criterion).toMatchObject({ outcome: 'NOT RUN', status: 'inconclusive' });
    expect(criterion.reason).toMatch(/pattern subscription.*probeMessage: true/);
    expect(report.inconclusive.join('\n')).toMatch(/Under test/);
  });

  it('a replica whose link is down has no lag because replication is broken: NOT MET, exit 1', async () => {
    const { r, report, criterion } = await run(
      `  - { name: replica, kind: redis, url: "redis://127.0.0.1:${replica.port}" }`,
      'redis.replica.replication_lag_s < 5s',
    );
    expect(r.code, whyNot(r)).toBe(1);
    expect(report.verdict).toBe('NO-GO');
    expect(criterion).toMatchObject({ outcome: 'NOT MET', status: 'fail' });
    expect(criterion.reason).toMatch(/replication link .* is down/);
  });
});
