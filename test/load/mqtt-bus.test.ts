import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, whyNot } from '../helpers/cli.js';
import { cuttingProxy } from '../helpers/cutting-proxy.js';
import { waitFor } from '../helpers/ports.js';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';

/**
 * The bus scenario over MQTT on a mosquitto of the test's own, a result per QoS: the counts are checked
 * against a mosquitto_sub witness in another process, subscribed to the same topics at QoS 1.
 */
let broker: Mosquitto;
const dir = mkdtempSync(join(tmpdir(), 'validate-mqtt-bus-'));

beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(() => broker?.stop());

describe('the bus scenario on MQTT', () => {
  it('QoS 0 on a channel, QoS 1 on a stream: each delivered once, as many as the witness received of each', async () => {
    const witness = await broker.witness('feed/#', ['-q', '1']);
    const file = join(dir, 'mqtt.yaml');
    writeFileSync(
      file,
      `targets:\n  - { name: feed, kind: mqtt, url: "${broker.url}" }\nscenarios:\n` +
        `  - { name: ticks, kind: bus, target: feed, channel: "feed/ticks", rate: 1000, duration: 2s, timeout: 2s }\n` +
        `  - { name: orders, kind: bus, target: feed, stream: "feed/orders", rate: 500, duration: 2s, timeout: 2s }\n`,
    );
    const r = await runCli(['run', file, '--format', 'json', '--retries', '0']);
    const [ticks, orders] = JSON.parse(r.stdout).scenarios;
    expect(r.code, whyNot(r)).toBe(ticks.validity === 'VALID' && orders.validity === 'VALID' ? 0 : 3);
    const exact = { lost: 0, duplicated: 0, outOfOrder: 0, publishFailed: 0 };
    expect(ticks.delivery).toMatchObject({ published: 2000, delivered: 2000, ...exact });
    expect(orders.delivery).toMatchObject({ published: 1000, delivered: 1000, ...exact });
    // Each run ends with a marker message on its topic, which the witness sees too.
    const count = (topic: string) => witness.lines().filter((l) => l.startsWith(`${topic} `)).length;
    await expect.poll(() => [count('feed/ticks'), count('feed/orders')]).toEqual([2001, 1001]);
    witness.stop();
  });

  it('a link dropped mid-run: QoS 1 with its kept session loses nothing, and the broker took exactly what the run counted delivered', async () => {
    const proxy = await cuttingProxy(broker.port);
    const witness = await broker.witness('cut/#', ['-q', '1']);
    try {
      const via = `mqtt://127.0.0.1:${proxy.port}`;
      const file = join(dir, 'cut.yaml');
      writeFileSync(
        file,
        `targets:\n  - { name: feed, kind: mqtt, url: "${via}" }\nscenarios:\n` +
          `  - { name: orders, kind: bus, target: feed, stream: "cut/orders", rate: 500, duration: 4s, timeout: 3s }\n`,
      );
      const run = startCli(['run', file, '--format', 'json', '--retries', '0']);
      // Once the run's clients are through (the probe's three, then the scenario's two) and messages flow, the link drops.
      await waitFor('messages through the proxy', async () => proxy.accepted() >= 5 && witness.lines().length >= 500);
      const dropped = proxy.cut();
      const r = await run.done;
      expect(r.stdout, whyNot(r)).toMatch(/^\{/);
      const [orders] = JSON.parse(r.stdout).scenarios;
      expect(dropped).toBeGreaterThanOrEqual(2);
      expect(orders.delivery.lost).toBe(0);
      expect(orders.delivery.delivered + orders.delivery.publishFailed).toBe(orders.delivery.published);
      // What the broker took of the run is what the witness received (the end marker too).
      const taken = new Set(witness.lines().map((l) => l.split(' ')[1].split(':')[0]));
      expect(taken.size).toBe(orders.delivery.delivered + 1);
      console.log(
        `mqtt QoS 1 across a dropped link: ${orders.delivery.published} published, ${orders.delivery.publishFailed} refused, ${orders.delivery.duplicated} duplicated, longest gap ${orders.delivery.maxGapMs.toFixed(0)} ms`,
      );
    } finally {
      witness.stop();
      await proxy.close();
    }
  });
});
