import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, whyNot } from '../helpers/cli.js';
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
});
