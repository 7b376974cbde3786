import { createServer, type Server } from 'node:net';
import { Connection } from 'rabbitmq-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRabbit, type RabbitServer } from '../helpers/rabbitmq-server.js';
import { waitFor } from '../helpers/ports.js';
import { target } from '../helpers/targets.js';
import { probeOne } from '../../src/run/probe-one.js';
import type { ProbeResult } from '../../src/results/result.js';

/**
 * The rabbitmq probe on a real RabbitMQ node of the test's own (management on), checked against the
 * broker's own account: `rabbitmqctl list_queues` for ready, consumers and unacknowledged messages, and
 * its alarms after the memory watermark is lowered under its feet. The machine's broker is only read.
 */
let rabbit: RabbitServer;
let setup: Connection;
let holder: Connection;

beforeAll(async () => {
  rabbit = await startRabbit();
  setup = new Connection(rabbit.url);
  holder = new Connection(rabbit.url);
  // orders: 7 published, a consumer with prefetch 3 that never acknowledges (3 unacked, 4 ready).
  // audit: 2 published, nobody reading.
  await setup.queueDeclare({ queue: 'orders', durable: true });
  await setup.queueDeclare({ queue: 'audit', durable: true });
  const pub = setup.createPublisher();
  for (let i = 0; i < 7; i++) await pub.send('orders', `order ${i}`);
  for (let i = 0; i < 2; i++) await pub.send('audit', `entry ${i}`);
  await pub.close();
  holder.createConsumer(
    { queue: 'orders', queueOptions: { passive: true }, qos: { prefetchCount: 3 } },
    () => new Promise(() => undefined),
  );
  await waitFor('3 unacknowledged on orders', async () => (await queues()).orders?.unacked === 3);
}, 90_000);
afterAll(async () => {
  holder?.unsafeDestroy();
  setup?.unsafeDestroy();
  await rabbit?.stop();
});

/** The broker's own view, live. */
async function queues(): Promise<Record<string, { ready: number; consumers: number; unacked: number }>> {
  const out = await rabbit.ctl('list_queues', '--no-table-headers', 'name', 'messages_ready', 'consumers', 'messages_unacknowledged');
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t'))
      .map(([name, ready, consumers, unacked]) => [name, { ready: +ready, consumers: +consumers, unacked: +unacked }]),
  );
}

const labelled = (r: ProbeResult, metric: string, queue: string) =>
  r.measurements.find((m) => m.metric === metric && m.labels?.queue === queue)?.value;
const plain = (r: ProbeResult) => Object.fromEntries(r.measurements.filter((m) => !m.labels).map((m) => [m.metric, m.value]));

describe('the rabbitmq probe', () => {
  it("reads each queue's ready, consumers and unacknowledged messages as rabbitmqctl lists them", async () => {
    // The management API's figures are statistics: wait until they have caught up with the live ones.
    await waitFor('the management API to see 3 unacknowledged', async () => {
      const q = (await (await fetch(`${rabbit.management.replace('guest:guest@', '')}/api/queues/%2F/orders`, auth())).json()) as {
        messages_unacknowledged?: number;
      };
      return q.messages_unacknowledged === 3;
    });
    const r = await probeOne(target('rabbitmq', { url: rabbit.url, queues: ['orders', 'audit'], management: rabbit.management }), 5000);
    const truth = await queues();
    expect(r.status, r.error).toBe('warn'); // audit has no consumer
    expect(truth.orders).toEqual({ ready: 4, consumers: 1, unacked: 3 }); // the setup did what it says
    for (const q of ['orders', 'audit']) {
      expect(labelled(r, 'stream_lag', q)).toBe(truth[q].ready);
      expect(labelled(r, 'subscribers', q)).toBe(truth[q].consumers);
      expect(labelled(r, 'stream_pending', q)).toBe(truth[q].unacked);
    }
    const m = plain(r);
    expect(m).toMatchObject({ stream_lag: 4, subscribers: 0, stream_pending: 3, queues_without_consumers: 1, alarm: 0, bus_lost: 0 });
    expect(m.auth_required).toBe(0); // guest logs in from localhost, as RabbitMQ allows by default
    expect(m.connections).toBeGreaterThanOrEqual(2); // the test's two, and the probe's own while it counted
    expect(r.warnings?.join('\n')).toContain('no consumer on queue audit');
    expect(r.details.version).toMatch(/^\d+\.\d+/);
  });

  it('the round trip is through a queue of its own: the broker keeps none of it afterwards', async () => {
    const r = await probeOne(target('rabbitmq', { url: rabbit.url, samples: 8 }), 5000);
    expect(r.status, r.error).toBe('pass');
    expect(plain(r).bus_lost).toBe(0);
    expect(plain(r).bus_round_trip_ms).toBeGreaterThan(0);
    await waitFor('the probe queue to be gone', async () => Object.keys(await queues()).every((q) => !q.startsWith('validate.probe.')));
  });

  it('a queue that does not exist is the platform failing (broken), not a number the tool could not read', async () => {
    const r = await probeOne(target('rabbitmq', { url: rabbit.url, queues: ['orders', 'settlement'] }), 5000);
    expect(r.broken?.subscribers).toBe('queue settlement does not exist');
    expect(labelled(r, 'subscribers', 'orders')).toBe(1);
    expect(Object.keys(await queues())).not.toContain('settlement'); // a passive declare made nothing
  });

  it('without the management API, unacknowledged and connections are unmeasured, naming the plugin to enable', async () => {
    const r = await probeOne(target('rabbitmq', { url: rabbit.url, queues: ['orders'] }), 5000);
    expect(r.unmeasured?.stream_pending).toMatch(/rabbitmq-plugins enable rabbitmq_management/);
    expect(r.unmeasured?.connections).toBeDefined();
    expect(plain(r).alarm).toBe(0); // the round trip published through: nothing blocks publishers
  });

  it('a memory alarm is seen by the blocked publisher, and by node on the management API', async () => {
    await rabbit.ctl('set_vm_memory_high_watermark', 'absolute', '1');
    try {
      await waitFor('the memory alarm', async () => /memory/.test(await rabbit.ctl('eval', 'rabbit_alarm:get_alarms().')));
      const bare = await probeOne(target('rabbitmq', { url: rabbit.url, samples: 2 }), 4000);
      expect(plain(bare).alarm).toBe(1);
      expect(bare.warnings?.join('\n')).toMatch(/blocks publishers: .*memory/i);
      expect(bare.broken?.bus_round_trip_ms).toMatch(/none of 2 messages/);
      // The API's node statistics come a sample later than the broker's own alarm: wait for them to list it.
      await waitFor('the management API to list the alarm', async () => {
        const nodes = (await (await fetch(`${rabbit.management.replace('guest:guest@', '')}/api/nodes`, auth())).json()) as {
          mem_alarm?: boolean;
        }[];
        return nodes.some((n) => n.mem_alarm === true);
      });
      const managed = await probeOne(target('rabbitmq', { url: rabbit.url, samples: 1, management: rabbit.management }), 4000);
      expect(plain(managed).alarm).toBe(1);
      expect(managed.warnings?.join('\n')).toContain(`memory on ${rabbit.node}`);
    } finally {
      await rabbit.ctl('set_vm_memory_high_watermark', '0.4');
    }
  }, 30_000);
});

describe('the rabbitmq probe against what is not a broker', () => {
  let liar: Server;
  let port = 0;
  beforeAll(async () => {
    // A real socket server that answers the AMQP header with a NATS greeting: the client library read its
    // first bytes as a 1.3 GB frame length and crashed the process.
    liar = createServer((s) => s.once('data', () => s.write('INFO {"server_id":"x","version":"2.10"}\r\n')));
    await new Promise<void>((r) => liar.listen(0, '127.0.0.1', r));
    port = (liar.address() as { port: number }).port;
  });
  afterAll(() => liar?.close());

  it('names what answered, and the process lives on', async () => {
    const r = await probeOne(target('rabbitmq', { url: `amqp://127.0.0.1:${port}` }), 3000);
    expect(r.status).toBe('fail');
    expect(r.error).toMatch(new RegExp(`^not AMQP: 127\\.0\\.0\\.1:${port} answered the AMQP header with "INFO \\{`));
  });

  it('a wrong password is the login refused, naming where to fix it', async () => {
    const r = await probeOne(target('rabbitmq', { url: rabbit.url.replace('guest:guest', 'guest:wrong') }), 3000);
    expect(r.error).toMatch(/^access refused: 127\.0\.0\.1:\d+ refused the login: check the user and password in the URL/);
  });
});

function auth(): RequestInit {
  return { headers: { authorization: `Basic ${btoa('guest:guest')}` } };
}
