import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from 'rabbitmq-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, whyNot } from '../helpers/cli.js';
import { waitFor } from '../helpers/ports.js';
import { startRabbit, type RabbitServer } from '../helpers/rabbitmq-server.js';

/**
 * The bus scenario over RabbitMQ, on a node of the test's own. The counts are checked against the
 * broker's own: an independent subscriber's queue bound to the same exchange, and the management API's
 * message statistics of a queue (published, delivered, redelivered). A consumer whose connection the
 * broker closes mid-run (as an operator would, from the management API) is the bad day; the
 * rabbitmq-close-connections fault is checked against the broker's own log of what it closed and why (one
 * node for both: a RabbitMQ takes seconds to start).
 */
const dir = mkdtempSync(join(tmpdir(), 'validate-rabbit-bus-'));
let rabbit: RabbitServer;
let admin: Connection;

beforeAll(async () => {
  rabbit = await startRabbit();
  admin = new Connection(rabbit.url);
  await admin.exchangeDeclare({ exchange: 'orders.ex', type: 'topic' });
  await admin.queueDeclare({ queue: 'fills', durable: true });
  await admin.queueDeclare({ queue: 'taken', durable: true });
}, 90_000);
afterAll(async () => {
  admin?.unsafeDestroy();
  await rabbit?.stop();
});

function config(name: string, scenario: string): string {
  const file = join(dir, name);
  writeFileSync(file, `targets:\n  - { name: rmq, kind: rabbitmq, url: "${rabbit.url}" }\nscenarios:\n  - ${scenario}\n`);
  return file;
}

const api = async (path: string) =>
  (
    await fetch(`${rabbit.management.replace('guest:guest@', '')}/api/${path}`, {
      headers: { authorization: `Basic ${btoa('guest:guest')}` },
    })
  ).json();

interface QueueStats {
  messages?: number;
  message_stats?: { publish?: number; deliver?: number; redeliver?: number; ack?: number };
}

describe('the bus scenario on RabbitMQ', () => {
  it('through an exchange: every message delivered once, as many as an independent queue bound to it received', async () => {
    let seen = 0;
    const witness = admin.createConsumer(
      { queue: '', queueOptions: { exclusive: true }, queueBindings: [{ exchange: 'orders.ex', routingKey: 'new' }], noAck: true },
      () => void seen++,
    );
    await new Promise((r) => witness.once('ready', r));
    const file = config(
      'exchange.yaml',
      '{ name: orders, kind: bus, target: rmq, channel: "orders.ex/new", rate: 1000, duration: 2s, timeout: 2s }',
    );
    const r = await runCli(['run', file, '--format', 'json', '--retries', '0']);
    const [result] = JSON.parse(r.stdout).scenarios;
    expect(r.code, whyNot(r)).toBe(result.validity === 'VALID' ? 0 : 3);
    expect(result.delivery).toMatchObject({ published: 2000, delivered: 2000, lost: 0, duplicated: 0, outOfOrder: 0, publishFailed: 0 });
    // The run's end marker goes through the exchange too.
    await waitFor('the witness to have every message', async () => seen === 2001);
    await witness.close();
  });

  it('a queue as a stream, its consumer cut mid-run by the broker: nothing lost, the redeliveries counted as the broker counts them', async () => {
    const file = config(
      'queue.yaml',
      '{ name: fills, kind: bus, target: rmq, stream: fills, rate: 500, duration: 4s, timeout: 3s, clientName: fills-bus }',
    );
    const run = startCli(['run', file, '--format', 'json', '--retries', '0']);
    // The broker's own tools, live (the management API's statistics lag by a second or more): once the
    // run's consumer is connected, the broker closes its connection under it.
    let consumer: string | undefined;
    await waitFor('the consumer connection', async () => {
      const conns = await rabbit.ctl('list_connections', '--no-table-headers', 'pid', 'client_properties');
      consumer = conns
        .split('\n')
        .find((l) => l.includes('fills-bus-consumer'))
        ?.split('\t')[0];
      return Boolean(consumer);
    });
    await rabbit.ctl('close_connection', consumer!, 'the test cuts the consumer');
    const r = await run.done;
    expect(r.stdout, whyNot(r)).toMatch(/^\{/);
    const [result] = JSON.parse(r.stdout).scenarios;
    expect(result.delivery.lost, whyNot(r)).toBe(0);
    expect(result.delivery.published).toBe(2000);
    // The broker's statistics come in samples (about 5 s apart here, later on a busy machine), not each
    // counter in the same one: wait for them to agree, then compare. A count that never comes to agree
    // fails after the wait (once, beside the fault tests, 15 s was not enough).
    await waitFor(
      'the statistics to settle',
      async () => {
        const q = (await api('queues/%2F/fills')) as QueueStats;
        return (
          q.messages === 0 &&
          q.message_stats?.ack === q.message_stats?.publish &&
          (q.message_stats?.redeliver ?? 0) === result.delivery.duplicated
        );
      },
      40_000,
    ).catch(() => undefined);
    const q = (await api('queues/%2F/fills')) as QueueStats;
    expect(q.message_stats!.publish).toBe(result.delivery.published + 1); // and the end marker
    expect(result.delivery.duplicated).toBe(q.message_stats!.redeliver ?? 0);
    console.log(
      `rabbitmq queue, consumer cut: ${result.delivery.published} published, ${result.delivery.duplicated} redelivered (broker: ${q.message_stats!.redeliver ?? 0}), longest gap ${result.delivery.maxGapMs.toFixed(0)} ms`,
    );
  }, 60_000);

  it('a queue others consume is refused with why, before a message is sent', async () => {
    const other = admin.createConsumer({ queue: 'taken', queueOptions: { passive: true } }, () => undefined);
    await new Promise((r) => other.once('ready', r));
    try {
      const file = config('taken.yaml', '{ name: taken, kind: bus, target: rmq, stream: taken, rate: 100, duration: 1s, timeout: 1s }');
      const r = await runCli(['run', file, '--format', 'json', '--retries', '0']);
      const report = JSON.parse(r.stdout);
      expect(r.code).toBe(1);
      expect(report.scenarios[0].delivery).toMatchObject({ delivered: 0, publishFailed: 100 });
      expect(JSON.stringify(report.scenarios[0].errorKinds ?? report.scenarios[0])).toContain(
        "queue taken has 1 consumer(s) already: the run's consumer would share its messages with them",
      );
      expect(((await api('queues/%2F/taken')) as QueueStats).messages).toBe(0);
    } finally {
      await other.close();
    }
  });
});

describe('the rabbitmq-close-connections fault', () => {
  it("closes the queue's consumer from the broker's side: the client is back on a new connection, nothing is lost", async () => {
    const file = join(dir, 'fault.yaml');
    writeFileSync(
      file,
      `targets:\n  - { name: rmq, kind: rabbitmq, url: "${rabbit.url}", management: "${rabbit.management}" }\n` +
        `scenarios:\n  - { name: fills, kind: bus, target: rmq, stream: fault-fills, rate: 200, duration: 9s, timeout: 3s, clientName: fault-bus }\n` +
        `faults:\n  - { name: consumer-cut, fault: { type: rabbitmq-close-connections, target: rmq, queue: fault-fills }, watch: [rmq], during: fills, at: 6s }\n` +
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
      `rabbitmq consumer cut: recovery ${fault.recoveryMs?.toFixed(0)} ms, ${fills.delivery.duplicated} redelivered, longest gap ${fills.delivery.maxGapMs.toFixed(0)} ms`,
    );
  });
});
