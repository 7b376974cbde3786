import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, whyNot } from '../helpers/cli.js';
import { startRabbit, type RabbitServer } from '../helpers/rabbitmq-server.js';

/**
 * The rabbitmq-close-connections fault during a bus scenario on a queue, on a RabbitMQ node of the
 * test's own: the broker's own log says which connection it closed and why.
 */
let rabbit: RabbitServer;
const dir = mkdtempSync(join(tmpdir(), 'validate-rabbit-fault-'));

beforeAll(async () => {
  rabbit = await startRabbit();
}, 90_000);
afterAll(() => rabbit?.stop());

describe('the rabbitmq-close-connections fault', () => {
  it("closes the queue's consumer from the broker's side: the client is back on a new connection, nothing is lost", async () => {
    const file = join(dir, 'fault.yaml');
    writeFileSync(
      file,
      `targets:\n  - { name: rmq, kind: rabbitmq, url: "${rabbit.url}", management: "${rabbit.management}" }\n` +
        `scenarios:\n  - { name: fills, kind: bus, target: rmq, stream: fills, rate: 200, duration: 9s, timeout: 3s, clientName: fills-bus }\n` +
        `faults:\n  - { name: consumer-cut, fault: { type: rabbitmq-close-connections, target: rmq, queue: fills }, watch: [rmq], during: fills, at: 6s }\n` +
        `criteria:\n  - fault.consumer-cut.messages_lost == 0\n`,
    );
    // 6 s in: the broker lists connections from statistics about 5 s behind, whatever its interval says.
    const run = startCli(['run', file, '--chaos', '--format', 'json', '--retries', '0']);
    const r = await run.done;
    const report = JSON.parse(r.stdout);
    const [fault] = report.faults;
    const [fills] = report.scenarios;
    expect(fault.tookEffect, whyNot(r)).toBe(true);
    expect(fault.detail).toMatch(/^the broker closed 1 connection\(s\) of rmq/);
    expect(fills.delivery.lost).toBe(0);
    expect(fills.delivery.delivered).toBe(fills.delivery.published);
    // The broker's own log: the one connection it closed, with the fault's reason, was the run's consumer.
    const closed = rabbit
      .log()
      .split('\n')
      .filter((l) => /Closing connection .* because "validate: fault experiment"/.test(l));
    console.log(closed.join('\n'));
    expect(closed).toHaveLength(1);
    // And the client came back: the queue was consumed on to the end, nothing lost.
    expect(fills.delivery.delivered).toBe(fills.delivery.published);
    console.log(
      `rabbitmq consumer cut: recovery ${fault.recoveryMs?.toFixed(0)} ms, witness ${fault.witnessRecoveryMs?.toFixed(0)} ms, ${fills.delivery.duplicated} redelivered, longest gap ${fills.delivery.maxGapMs.toFixed(0)} ms`,
    );
  });
});
