import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { independent } from '../helpers/independent-subscriber.js';
import { runCli, whyNot } from '../helpers/cli.js';
import { redisCli, startRedis, type Running } from '../helpers/services.js';
import { certificateFor, redisTlsArgs } from '../helpers/certs.js';
import { freePort } from '../helpers/ports.js';

/**
 * The bus scenario on a real Redis of the test's own, against an independent subscriber in another
 * process (test/helpers/bus-subscriber.mjs) that receives the same messages and times them with its own
 * clock; and the bus probe against what redis-cli says.
 */
const dir = mkdtempSync(join(tmpdir(), 'validate-bus-'));
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

describe('the bus scenario', () => {
  it('over rediss, its CA not trusted (tlsVerify: false): every message, as a subscriber on the plaintext port counts them', async () => {
    const cert = certificateFor(['IP:127.0.0.1']);
    const tlsPort = await freePort();
    const tls = await startRedis({ extra: redisTlsArgs(tlsPort, cert) });
    try {
      const sub = await independent(tls.url, 'md:tls');
      const file = config(
        'rediss.yaml',
        `targets:\n  - { name: md-bus, kind: redis, url: "rediss://127.0.0.1:${tlsPort}", tlsVerify: false }\nscenarios:\n  - { name: quotes, kind: bus, target: md-bus, channel: "md:tls", rate: 1000, duration: 1s, timeout: 2s }\n`,
      );
      const r = await runCli(['run', file, '--format', 'json', '--retries', '0']);
      const seen = await sub.end();
      const [result] = JSON.parse(r.stdout).scenarios;
      expect(r.code, whyNot(r)).toBe(result.validity === 'VALID' ? 0 : 3);
      expect(result.delivery).toMatchObject({ published: 1000, delivered: 1000, lost: 0 });
      expect(seen).toMatchObject({ received: 1000, distinct: 1000 });
    } finally {
      await tls.stop();
    }
  });

  it('5,000 messages/s over pub/sub: delivered = published, lost 0, as an independent subscriber counts them', async () => {
    const sub = await independent(redis.url, 'md:quotes');
    const file = config(
      'pubsub.yaml',
      `targets:\n  - { name: md-bus, kind: redis, url: "${redis.url}" }\nscenarios:\n  - { name: quotes, kind: bus, target: md-bus, channel: "md:quotes", rate: 5000, duration: 2s, timeout: 2s }\n`,
    );
    const r = await runCli(['run', file, '--format', 'json', '--retries', '0']);
    const seen = await sub.end();
    // GO, or INCONCLUSIVE (exit 3) when the generator was held up on a busy machine: never NO-GO, and
    // the bus's counts stand either way (an INVALID result's timing is doubted, not its deliveries).
    const [result] = JSON.parse(r.stdout).scenarios;
    expect(r.code, whyNot(r)).toBe(result.validity === 'VALID' ? 0 : 3);
    expect(result.delivery).toMatchObject({
      published: 10_000,
      delivered: 10_000,
      lost: 0,
      duplicated: 0,
      outOfOrder: 0,
      publishFailed: 0,
    });
    expect(seen).toMatchObject({ received: 10_000, distinct: 10_000 });
    // How the two processes' timings of the same messages compare is a figure: bench/bus-latency.ts.
  });

  it("in two worker shards: the merged delivery counts are both shards' messages, as independent subscribers count them", async () => {
    // Each shard publishes on a channel of its own (`<channel>:shard-<i>`): a witness on each.
    const subs = await Promise.all([1, 2].map((i) => independent(redis.url, `md:workers:shard-${i}`)));
    const file = config(
      'workers.yaml',
      `targets:\n  - { name: md-bus, kind: redis, url: "${redis.url}" }\nscenarios:\n  - { name: quotes, kind: bus, target: md-bus, channel: "md:workers", rate: 1000, duration: 1s, timeout: 2s }\n`,
    );
    const r = await runCli(['run', file, '--workers', '2', '--format', 'json', '--retries', '0']);
    const seen = await Promise.all(subs.map((s) => s.end()));
    const report = JSON.parse(r.stdout);
    const [result] = report.scenarios;
    expect(r.code, whyNot(r)).toBe(result.validity === 'VALID' ? 0 : 3);
    expect(report.mergedFrom).toMatchObject({ shards: 2, missing: [] });
    expect(seen.map((x) => x.distinct)).toEqual([500, 500]);
    // One shard's counts alone would be half: the bus kind adds them (its mergeExtras).
    expect(result.delivery).toMatchObject({ published: 1000, delivered: 1000, lost: 0, duplicated: 0 });
  });

  it('a bus cut in the middle: pub/sub loses what the subscriber missed (the independent one, spared, counts it), a stream loses nothing; the fault reports both', async () => {
    const sub = await independent(redis.url, 'md:cut');
    const file = config(
      'cut.yaml',
      `targets:\n  - { name: md-bus, kind: redis, url: "${redis.url}" }\nscenarios:\n` +
        `  - { name: quotes, kind: bus, target: md-bus, channel: "md:cut", rate: 5000, duration: 3s, timeout: 2s, success: 100% }\n` +
        `  - { name: orders, kind: bus, target: md-bus, stream: "orders:cut", rate: 5000, duration: 3s, timeout: 2s }\n` +
        `faults:\n` +
        // The subscribers alone for pub/sub: the publisher keeps publishing while the subscriber is away, so
        // some are lost for certain (cutting both, the publisher was sometimes away as long, and none were).
        `  - { name: cut-quotes, fault: { type: redis-client-kill, target: md-bus, types: [pubsub] }, watch: [md-bus], during: quotes, at: 1s, settle: 300ms }\n` +
        `  - { name: cut-orders, fault: { type: redis-client-kill, target: md-bus }, watch: [md-bus], during: orders, at: 1s, settle: 300ms }\n` +
        `criteria:\n  - fault.cut-orders.messages_lost == 0\n  - fault.cut-quotes.delivery_gap_ms < 1s\n`,
    );
    const r = await runCli(['run', file, '--chaos', '--format', 'json', '--retries', '0']);
    const seen = await sub.end();
    const report = JSON.parse(r.stdout);
    const [quotes, orders] = report.scenarios;
    const [cutQuotes, cutOrders] = report.faults;
    // Every message reached Redis (the spared subscriber got them all); the scenario's subscriber missed some.
    expect(seen.distinct).toBe(quotes.delivery.published);
    expect(quotes.delivery.lost).toBeGreaterThan(0);
    expect(quotes.delivery.delivered).toBe(seen.distinct - quotes.delivery.lost);
    expect(cutQuotes.traffic).toMatchObject({ scenario: 'quotes', lost: quotes.delivery.lost });
    expect(cutQuotes.traffic.gapMs).toBeGreaterThan(0);
    expect(orders.delivery).toMatchObject({ published: 15_000, delivered: 15_000, lost: 0 });
    expect(cutOrders.traffic).toMatchObject({ scenario: 'orders', lost: 0 });
    const written = report.criteria.filter((c: { implicit?: boolean }) => !c.implicit);
    expect(written.map((c: { status: string; actual: number }) => [c.status, c.actual])).toEqual([
      ['pass', 0],
      // Judged on the gap the fault measured, whichever side of the second it fell.
      [cutQuotes.traffic.gapMs < 1000 ? 'pass' : 'fail', cutQuotes.traffic.gapMs],
    ]);
    // The lost messages are errors: pub/sub fails its error budget (100%: how many a cut loses varies, under 15 to over 100 of 15,000 seen), and the run is NO-GO.
    expect(quotes.status).toBe('fail');
    expect(r.code).toBe(1);
    expect(await redisCli(redis.port, 'EXISTS', 'orders:cut')).toBe('0'); // the stream the run created is gone
    console.log(
      `bus cut: pub/sub lost ${quotes.delivery.lost} of ${quotes.delivery.published}, longest gap ${cutQuotes.traffic.gapMs.toFixed(1)} ms; stream lost 0, gap ${cutOrders.traffic.gapMs.toFixed(1)} ms`,
    );
  });
});

describe('the bus probe', () => {
  it('round trip, subscribers per channel and consumer groups, as redis-cli reads them', async () => {
    const c = new Redis(redis.port, '127.0.0.1');
    c.on('error', () => undefined);
    const listeners = [new Redis(redis.port, '127.0.0.1'), new Redis(redis.port, '127.0.0.1')];
    try {
      await Promise.all(listeners.map((l) => l.subscribe('md:quotes')));
      await c.del('orders');
      await c.xgroup('CREATE', 'orders', 'risk', '$', 'MKSTREAM');
      for (let i = 0; i < 5; i++) await c.xadd('orders', '*', 'n', String(i));
      await c.xreadgroup('GROUP', 'risk', 'r1', 'COUNT', 3, 'STREAMS', 'orders', '>'); // 3 delivered, unacked
      const file = config(
        'probe.yaml',
        `targets:\n  - { name: md-bus, kind: redis, url: "${redis.url}", bus: { channels: [md:quotes, md:empty], streams: [{ key: orders }] } }\ncriteria:\n  - 'redis.md-bus.subscribers{channel="md:quotes"} >= 2'\n  - 'redis.md-bus.stream_pending{group="risk"} == 3'\n  - 'redis.md-bus.subscribers{channel="md:trades"} >= 1'\n`,
      );
      const r = await runCli(['run', file, '--format', 'json']);
      const report = JSON.parse(r.stdout);
      const probe = report.probes[0];
      const value = (metric: string, labels?: object) =>
        probe.measurements.find(
          (m: { metric: string; labels?: object }) => m.metric === metric && JSON.stringify(m.labels) === JSON.stringify(labels),
        )?.value;
      const numsub = (await redisCli(redis.port, 'PUBSUB', 'NUMSUB', 'md:quotes', 'md:empty')).split('\n');
      expect(value('subscribers', { channel: 'md:quotes' })).toBe(Number(numsub[1]));
      expect(value('subscribers', { channel: 'md:empty' })).toBe(Number(numsub[3]));
      const pending = (await redisCli(redis.port, 'XPENDING', 'orders', 'risk')).split('\n')[0];
      expect(value('stream_pending', { stream: 'orders', group: 'risk' })).toBe(Number(pending));
      const groups = await redisCli(redis.port, 'XINFO', 'GROUPS', 'orders');
      const lag = Number(/lag\n(\d+)/.exec(groups)![1]);
      expect(value('stream_lag', { stream: 'orders', group: 'risk' })).toBe(lag);
      expect(value('bus_lost')).toBe(0);
      expect(value('bus_round_trip_ms')).toBeGreaterThan(0);
      expect(probe.warnings).toContain('no subscriber on md:empty');
      // A channel the config does not list can never match: NOT RUN, never a zero.
      expect(report.criteria.map((c: { outcome: string }) => c.outcome)).toEqual(['MET', 'MET', 'MET', 'NOT RUN']);
      expect(report.criteria[3].reason).toContain('md:trades');
    } finally {
      c.disconnect();
      for (const l of listeners) l.disconnect();
    }
  });
});
