import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { duplicatingProxy } from '../helpers/resp-proxy.js';
import { redisCli, startRedis, type Running } from '../helpers/services.js';
import { waitFor } from '../helpers/ports.js';

/**
 * The bus numbers on the days a bus misbehaves: an entry reclaimed from a dead consumer, subscribers
 * that listen through a pattern, a fault that outlives the traffic, a message delivered twice. Each
 * against an independent reading: redis-cli, the test's own clients, a proxy that counts what it did.
 */
const dir = mkdtempSync(join(tmpdir(), 'validate-bus-edges-'));
let redis: Running;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis?.stop());

function config(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const measurement = (probe: { measurements: { metric: string; value: number; labels?: object }[] }, metric: string, labels: object) =>
  probe.measurements.find((m) => m.metric === metric && JSON.stringify(m.labels) === JSON.stringify(labels))?.value;

describe('the bus numbers on a bad day', () => {
  it('the oldest pending entry is the longest idle, even when the lowest ID was reclaimed (XCLAIM), as XPENDING with a range shows', async () => {
    const c = new Redis(redis.port, '127.0.0.1');
    try {
      await c.xgroup('CREATE', 'claimed', 'risk', '$', 'MKSTREAM');
      for (let i = 0; i < 4; i++) await c.xadd('claimed', '*', 'n', String(i));
      const read = (await c.xreadgroup('GROUP', 'risk', 'dead-consumer', 'COUNT', 4, 'STREAMS', 'claimed', '>')) as [
        string,
        [string, string[]][],
      ][];
      const ids = read[0][1].map(([id]) => id);
      // Three entries a dead consumer has held for 5 s (XCLAIM ... IDLE sets it); a living consumer takes over the lowest, whose idle time starts again.
      await c.call('XCLAIM', 'claimed', 'risk', 'dead-consumer', '0', ...ids.slice(1), 'IDLE', '5000');
      await c.call('XCLAIM', 'claimed', 'risk', 'live-consumer', '0', ids[0]);
      // What the old reading (the lowest ID) would now say.
      const lowestIdAfterClaim = Number((await redisCli(redis.port, 'XPENDING', 'claimed', 'risk', '-', '+', '1')).split('\n')[2]);
      const maxIdle = async () =>
        Math.max(
          ...(await redisCli(redis.port, 'XPENDING', 'claimed', 'risk', '-', '+', '10'))
            .split('\n')
            .filter((_, i) => i % 4 === 2)
            .map(Number),
        );
      const before = await maxIdle();
      const file = config(
        'claimed.yaml',
        `targets:\n  - { name: bus, kind: redis, url: "${redis.url}", bus: { roundTrip: false, streams: [{ key: claimed, group: risk }] } }\ncriteria:\n  - 'redis.bus.stream_oldest_pending_s < 2s'\n`,
      );
      const r = await runCli(['run', file, '--retries', '0', '--format', 'json']);
      const after = await maxIdle();
      const report = JSON.parse(r.stdout);
      const oldest = measurement(report.probes[0], 'stream_oldest_pending_s', { stream: 'claimed', group: 'risk' })!;
      // Bracketed by redis-cli's own readings just before and after the probe.
      expect(oldest * 1000).toBeGreaterThanOrEqual(before);
      expect(oldest * 1000).toBeLessThanOrEqual(after);
      expect(lowestIdAfterClaim).toBeLessThan(1000);
      expect(before).toBeGreaterThanOrEqual(5000);
      expect(report.criteria.find((c: { implicit?: boolean }) => !c.implicit)).toMatchObject({ outcome: 'NOT MET', status: 'fail' });
      expect(r.code).toBe(1);
    } finally {
      c.disconnect();
    }
  });

  it('subscribers through PSUBSCRIBE: never a false 0; counted exactly with a probe message, as the receivers themselves count it', async () => {
    const clients = [new Redis(redis.port, '127.0.0.1'), new Redis(redis.port, '127.0.0.1'), new Redis(redis.port, '127.0.0.1')];
    const got = [0, 0, 0];
    try {
      // One listens on the channel itself, two through patterns that match it (as market-data consumers often do).
      await clients[0].subscribe('md:quotes');
      await clients[1].psubscribe('md:*');
      await clients[2].psubscribe('md:q*');
      clients[0].on('message', () => got[0]++);
      clients[1].on('pmessage', () => got[1]++);
      clients[2].on('pmessage', () => got[2]++);
      const crit = 'criteria:\n  - \'redis.bus.subscribers{channel="md:quotes"} >= 3\'\n';
      const plain = JSON.parse(
        (
          await runCli([
            'run',
            config(
              'numsub.yaml',
              `targets:\n  - { name: bus, kind: redis, url: "${redis.url}", bus: { roundTrip: false, channels: [md:quotes] } }\n${crit}`,
            ),
            '--format',
            'json',
          ])
        ).stdout,
      );
      // PUBSUB NUMSUB alone says 1: the patterns' receivers are unknown, so the criterion is not judged on a false count.
      const mine = (r: { criteria: { implicit?: boolean }[] }) =>
        r.criteria.find((c) => !c.implicit) as { outcome: string; actual: number | null; reason?: string };
      expect(mine(plain)).toMatchObject({ outcome: 'NOT RUN', actual: null });
      expect(mine(plain).reason).toContain('2 pattern subscription(s)');
      expect(mine(plain).reason).toContain('bus.probeMessage: true');
      expect(got).toEqual([0, 0, 0]); // nothing was published on the platform's channel
      const probed = await runCli([
        'run',
        config(
          'probe.yaml',
          `targets:\n  - { name: bus, kind: redis, url: "${redis.url}", bus: { roundTrip: false, channels: [md:quotes], probeMessage: true } }\n${crit}`,
        ),
        '--format',
        'json',
      ]);
      const report = JSON.parse(probed.stdout);
      await waitFor('the probe message to reach every receiver', async () => got.every((n) => n === 1), 2000);
      expect(measurement(report.probes[0], 'subscribers', { channel: 'md:quotes' })).toBe(got.reduce((a, b) => a + b, 0));
      expect(mine(report)).toMatchObject({ outcome: 'MET', actual: 3 });
      expect(probed.code).toBe(0);
    } finally {
      for (const c of clients) c.disconnect();
    }
  });

  it('a fault that outlives the traffic: its delivery gap is the longest silence while messages were published, not the quiet after the last one', async () => {
    // An engine that a fault's admin call takes down for 2 s: long after the 1.2 s of bus traffic ended.
    let downUntil = 0;
    const engine: Server = createServer((req, res) => {
      if (req.url === '/chaos') {
        downUntil = performance.now() + 2000;
        return res.writeHead(202).end();
      }
      res.writeHead(performance.now() < downUntil ? 503 : 200, { 'content-type': 'application/json' }).end('{"status":"healthy"}');
    });
    await new Promise<void>((r) => engine.listen(0, '127.0.0.1', () => r()));
    const eng = `http://127.0.0.1:${(engine.address() as { port: number }).port}`;
    try {
      const file = config(
        'outlives.yaml',
        `targets:\n  - { name: bus, kind: redis, url: "${redis.url}", bus: { roundTrip: false } }\n  - { name: risk, kind: engine, url: "${eng}" }\nscenarios:\n` +
          `  - { name: quotes, kind: bus, target: bus, channel: "md:outlives", rate: 1000, duration: 1200ms, timeout: 2s }\n` +
          `faults:\n  - { name: risk-chaos, fault: { type: http-call, url: "${eng}/chaos" }, watch: [risk], during: quotes, at: 300ms, interval: 50ms }\n`,
      );
      const r = await runCli(['run', file, '--chaos', '--retries', '0', '--format', 'json']);
      const report = JSON.parse(r.stdout);
      const [quotes] = report.scenarios;
      const [fault] = report.faults;
      expect(fault).toMatchObject({ recovered: true, disruptionSeen: true });
      expect(fault.recoveryMs).toBeGreaterThan(2000); // the fault lasted past the traffic
      expect(fault.traffic, JSON.stringify(fault)).toBeDefined();
      expect(quotes.delivery).toMatchObject({ published: 1200, delivered: 1200, lost: 0 });
      // No silence in the window can be longer than the longest gap between any two deliveries of the run.
      expect(fault.traffic.gapMs).toBeLessThanOrEqual(quotes.delivery.maxGapMs);
    } finally {
      engine.closeAllConnections();
      engine.close();
    }
  });

  it('a fault during a bus scenario that is slow to connect lands in its traffic: its offset counts from when messages flow', async () => {
    // The scenario's own clients (validate-bus-publisher, -subscriber) are held 1.5 s before they reach
    // Redis; the probes' are not. The fault is due 300 ms into the scenario: long before its first message,
    // if counted from when the scenario began.
    const proxy = await duplicatingProxy(redis.port, () => false, {
      hold: (first) => (/validate-bus-(publisher|subscriber)/.test(first) ? 1500 : 0),
    });
    let downUntil = 0;
    const engine: Server = createServer((req, res) => {
      if (req.url === '/chaos') {
        downUntil = performance.now() + 300;
        return res.writeHead(202).end();
      }
      res.writeHead(performance.now() < downUntil ? 503 : 200, { 'content-type': 'application/json' }).end('{"status":"healthy"}');
    });
    await new Promise<void>((r) => engine.listen(0, '127.0.0.1', () => r()));
    const eng = `http://127.0.0.1:${(engine.address() as { port: number }).port}`;
    try {
      const file = config(
        'slow-start.yaml',
        `targets:\n  - { name: bus, kind: redis, url: "${proxy.url}", timeout: 5s, bus: { roundTrip: false } }\n  - { name: risk, kind: engine, url: "${eng}" }\nscenarios:\n` +
          `  - { name: quotes, kind: bus, target: bus, channel: "md:slow", rate: 500, duration: 1s, timeout: 2s }\n` +
          `faults:\n  - { name: risk-chaos, fault: { type: http-call, url: "${eng}/chaos" }, watch: [risk], during: quotes, at: 300ms, interval: 50ms }\n`,
      );
      const r = await runCli(['run', file, '--chaos', '--retries', '0', '--format', 'json']);
      const report = JSON.parse(r.stdout);
      const [quotes] = report.scenarios;
      const [fault] = report.faults;
      expect(quotes.delivery).toMatchObject({ published: 500, lost: 0 });
      expect(fault.traffic, JSON.stringify(fault.unmeasured)).toMatchObject({ scenario: 'quotes' });
      expect(fault.traffic.published).toBeGreaterThan(0);
      expect(fault.unmeasured).toEqual({});
    } finally {
      engine.closeAllConnections();
      engine.close();
      await proxy.close();
    }
  });

  it('a message the bus delivers twice is counted, the very last one too: the proxy that duplicated them says how many', async () => {
    // 1,000 messages (seq 0 to 999); the proxy delivers every 100th twice, 999 (the last) among them.
    const proxy = await duplicatingProxy(redis.port, (seq) => seq % 100 === 99);
    try {
      const file = config(
        'dup.yaml',
        `targets:\n  - { name: bus, kind: redis, url: "${proxy.url}", bus: { roundTrip: false } }\nscenarios:\n  - { name: quotes, kind: bus, target: bus, channel: "md:dup", rate: 1000, duration: 1s, timeout: 2s }\n`,
      );
      const r = await runCli(['run', file, '--retries', '0', '--format', 'json']);
      const [quotes] = JSON.parse(r.stdout).scenarios;
      expect(proxy.counts.duplicated).toBe(10);
      expect(quotes.delivery).toMatchObject({ published: 1000, delivered: 1000, duplicated: proxy.counts.duplicated, lost: 0 });
      // The proxy also passed the run's end marker once: every frame it delivered is a delivery or a duplicate, or that marker.
      expect(proxy.counts.delivered).toBe(quotes.delivery.delivered + quotes.delivery.duplicated + 1);
    } finally {
      await proxy.close();
    }
  });
});
