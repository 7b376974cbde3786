import { connect, AckPolicy, type NatsConnection } from 'nats';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startNats, type NatsServer } from '../helpers/nats-server.js';
import { startRedis, type Running } from '../helpers/services.js';
import { target } from '../helpers/targets.js';
import { probeOne } from '../../src/run/probe-one.js';

/**
 * The nats probe on real nats-servers of the test's own (JetStream on; JetStream off; with a password),
 * checked against the server's own monitoring endpoint: what it counted on the probe's connections
 * (/connz) and the consumer backlog it reports (/jsz).
 */
let js: NatsServer;
let plain: NatsServer;
let locked: NatsServer;
let redis: Running;
let nc: NatsConnection;

beforeAll(async () => {
  [js, plain, locked, redis] = await Promise.all([
    startNats(),
    startNats({ jetstream: false }),
    startNats({ user: 'ops', pass: 'p/ss:w@rd' }),
    startRedis(),
  ]);
  nc = await connect({ servers: `127.0.0.1:${js.port}` });
  // A stream with a durable consumer that is behind: 7 published, 3 delivered and not acknowledged.
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'] });
  await jsm.consumers.add('ORDERS', { durable_name: 'risk', ack_policy: AckPolicy.Explicit });
  for (let i = 0; i < 7; i++) await nc.jetstream().publish('orders.new', `order ${i}`);
  const batch = await (await nc.jetstream().consumers.get('ORDERS', 'risk')).fetch({ max_messages: 3, expires: 1000 });
  for await (const _m of batch) void _m; // delivered, deliberately never acknowledged
});
afterAll(async () => {
  await nc?.close();
  await Promise.all([js, plain, locked, redis].map((s) => s?.stop()));
});

const monitor = async (server: NatsServer, path: string) => (await fetch(`${server.monitor}${path}`)).json();

describe('the nats probe', () => {
  it('times a core pub/sub round trip, and the server counted exactly the messages the probe says it received', async () => {
    const r = await probeOne(target('nats', { url: js.url, samples: 6 }), 3000);
    expect(r.status, r.error).toBe('pass');
    const m = Object.fromEntries(r.measurements.filter((x) => !x.labels).map((x) => [x.metric, x.value]));
    expect(m.bus_lost).toBe(0);
    expect(m.bus_round_trip_ms).toBeGreaterThan(0);
    expect(r.details).toMatchObject({ version: expect.stringMatching(/^\d+\.\d+/), jetstream: true });
    const closed = (await monitor(js, '/connz?state=closed&limit=1000')).connections as {
      name?: string;
      out_msgs: number;
      in_msgs: number;
    }[];
    const subscriber = closed.filter((c) => c.name === 'validate-probe-subscriber').at(-1)!;
    const publisher = closed.filter((c) => c.name === 'validate-probe').at(-1)!;
    expect(subscriber.out_msgs).toBe(6);
    expect(publisher.in_msgs).toBe(6);
  });

  it('reads a JetStream consumer backlog as the server reports it on /jsz', async () => {
    const r = await probeOne(target('nats', { url: js.url, consumers: [{ stream: 'ORDERS', consumer: 'risk' }] }), 3000);
    const jsz = await monitor(js, '/jsz?consumers=true');
    const detail = jsz.account_details[0].stream_detail.find((s: { name: string }) => s.name === 'ORDERS').consumer_detail[0];
    const labelled = (metric: string) => r.measurements.find((x) => x.metric === metric && x.labels?.consumer === 'risk')?.value;
    expect(labelled('stream_lag')).toBe(detail.num_pending);
    expect(labelled('stream_pending')).toBe(detail.num_ack_pending);
    expect([detail.num_pending, detail.num_ack_pending]).toEqual([4, 3]); // the setup did what it says
  });

  it('counts the subscribers a message on each subject reaches (wildcards and queue groups too), as many as receive one', async () => {
    const listeners = await Promise.all([0, 1, 2].map(() => connect({ servers: `127.0.0.1:${js.port}` })));
    try {
      const received: string[] = [];
      const subs = [
        listeners[0].subscribe('md.quotes'),
        listeners[1].subscribe('md.*'),
        listeners[2].subscribe('md.>', { queue: 'pricing' }),
      ];
      subs.forEach(
        (sub, i) =>
          void (async () => {
            for await (const _m of sub) received.push(`listener ${i}`);
          })(),
      );
      await Promise.all(listeners.map((l) => l.flush()));
      // The independent count: how many of the test's own subscribers one message on md.quotes reaches.
      nc.publish('md.quotes', 'x');
      await nc.flush();
      await new Promise((r) => setTimeout(r, 200));
      const dir = mkdtempSync(join(tmpdir(), 'validate-nats-'));
      const file = join(dir, 'subs.yaml');
      writeFileSync(
        file,
        `targets:\n  - { name: md-bus, kind: nats, url: "${js.url}", monitor: "${js.monitor}", subjects: [md.quotes, risk.orders] }\ncriteria:\n  - 'nats.md-bus.subscribers{subject="md.quotes"} >= 3'\n  - 'nats.md-bus.subscribers{subject="md.trades"} >= 1'\n`,
      );
      const r = await runCli(['run', file, '--format', 'json']);
      const report = JSON.parse(r.stdout);
      const value = (subject: string) =>
        report.probes[0].measurements.find(
          (m: { metric: string; labels?: { subject?: string } }) => m.metric === 'subscribers' && m.labels?.subject === subject,
        )?.value;
      expect(value('md.quotes')).toBe(received.length);
      expect(received.length).toBe(3);
      expect(value('risk.orders')).toBe(0);
      expect(report.probes[0].warnings).toContain('no subscriber on risk.orders');
      // A subject the config does not list can never match: NOT RUN, never a zero.
      expect(report.criteria.filter((c: { implicit?: boolean }) => !c.implicit).map((c: { outcome: string }) => c.outcome)).toEqual([
        'MET',
        'NOT RUN',
      ]);
    } finally {
      await Promise.all(listeners.map((l) => l.close()));
    }
  });

  it('a monitoring endpoint that is not one, or not there, leaves subscribers unmeasured with the cause in words', async () => {
    const web = createHttpServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
    await new Promise<void>((res) => web.listen(0, '127.0.0.1', res));
    try {
      const other = await probeOne(
        target('nats', { url: js.url, monitor: `http://127.0.0.1:${(web.address() as { port: number }).port}`, subjects: ['md.quotes'] }),
        3000,
      );
      expect(other.status).toBe('warn');
      expect(other.unmeasured?.subscribers).toMatch(/: not the NATS monitoring endpoint \(no num_subscriptions in \/subsz\)$/);
      const gone = await probeOne(target('nats', { url: js.url, monitor: 'http://127.0.0.1:1', subjects: ['md.quotes'] }), 3000);
      expect(gone.unmeasured?.subscribers).toBe(
        'subscribers from http://127.0.0.1:1: connection refused: nothing is listening on 127.0.0.1:1',
      );
    } finally {
      web.close();
    }
  });

  it('subjects without the monitoring endpoint are a located config error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'validate-nats-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, `targets:\n  - { name: md-bus, kind: nats, url: "${js.url}", subjects: [md.quotes] }\n`);
    const r = await runCli(['check', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.yaml:2:');
    expect(r.stderr).toContain(
      "targets[0].subjects: subscribers are counted on the server's monitoring endpoint: give monitor: http://host:8222",
    );
  });

  it('a consumer that does not exist, or a server without JetStream, leaves the backlog unmeasured, so a criterion on it is NOT RUN (INCONCLUSIVE, exit 3)', async () => {
    const r = await probeOne(target('nats', { url: js.url, consumers: [{ stream: 'ORDERS', consumer: 'nobody' }] }), 3000);
    expect(r.status).toBe('warn');
    expect(r.unmeasured?.stream_lag).toMatch(/consumer nobody of stream ORDERS: consumer not found/);
    const off = await runCli(['probe', `nats://127.0.0.1:${plain.port}`, '--criteria', 'nats.stream_pending == 0']);
    expect(off.code).toBe(3);
    expect(off.stdout).toMatch(/NOT RUN/);
  });

  it('uses the credentials in the URL (a password with / : @), and never prints them', async () => {
    const ok = await runCli(['probe', locked.url]);
    expect(ok.code, ok.stdout).toBe(0);
    const wrong = await runCli(['probe', locked.url.replace('ops:', 'ops:x')]);
    expect(wrong.code).toBe(1);
    const refused = await probeOne(target('nats', { url: locked.url.replace('ops:', 'ops:x') }), 3000);
    expect(refused.error).toBe(
      `authorization violation: 127.0.0.1:${locked.port} refused the credentials: check the user and password (or the token) in the URL`,
    );
    for (const out of [ok.stdout + ok.stderr, wrong.stdout + wrong.stderr]) expect(out).not.toMatch(/p\/ss|p%2Fss/);
  });

  it('names what answered when it is not NATS, and a port nobody listens on', async () => {
    const r = await probeOne(target('nats', { url: `nats://127.0.0.1:${redis.port}` }), 3000);
    expect(r.error).toBe(
      `not NATS: 127.0.0.1:${redis.port} accepted the connection but said nothing within 1000 ms (a NATS server greets with INFO at once)`,
    );
    const refused = await probeOne(target('nats', { url: 'nats://127.0.0.1:1' }), 3000);
    expect(refused.error).toBe('connection refused: nothing is listening on 127.0.0.1:1');
  });

  it('a server that takes every message and delivers none: the round trip counts them lost, within the timeout', async () => {
    // A socket server of the test's own that speaks just enough NATS (INFO, PONG) and drops every message.
    const server = createServer((s) => {
      s.on('error', () => undefined);
      s.write('INFO {"server_id":"sink","version":"2.9.0","max_payload":1048576}\r\n');
      s.on('data', (d) => {
        for (const line of String(d).split('\r\n')) if (line === 'PING') s.write('PONG\r\n');
      });
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    try {
      const r = await probeOne(
        target('nats', { url: `nats://127.0.0.1:${(server.address() as { port: number }).port}`, samples: 3 }),
        2000,
      );
      expect(r.status).toBe('warn');
      expect(r.measurements.find((m) => m.metric === 'bus_lost')?.value).toBe(3);
      expect(r.broken?.bus_round_trip_ms).toMatch(/^none of 3 messages published on validate\.probe\.\w+ came back within \d+ ms$/);
      expect(r.warnings).toContain('pub/sub round trip: 3 of 3 messages not received');
    } finally {
      server.close();
    }
  });

  // Socket servers of the test's own that misbehave on purpose, each as a NATS server must not.
  const INFO = 'INFO {"server_id":"fake","version":"2.9.0","max_payload":1048576}\r\n';
  it.each([
    [
      'speaks first, but another protocol',
      (s: Socket) => s.end('220 smtp.example ESMTP ready\r\n'),
      /^not NATS: 127\.0\.0\.1:\d+ greeted with "220 smtp\.example ESMTP ready" \(a NATS server begins with INFO\)$/,
    ],
    [
      'an INFO that is not JSON',
      (s: Socket) => s.write('INFO {not json\r\n'),
      /^not NATS: 127\.0\.0\.1:\d+ sent an INFO line that is not JSON \(/,
    ],
    [
      'drips its greeting a byte at a time',
      (s: Socket) => drip(s, INFO, 400),
      /^not NATS: 127\.0\.0\.1:\d+ began a greeting \("IN+F?"\) and did not end its line within 1000 ms/,
    ],
    [
      'greets, then never answers the handshake',
      (s: Socket) => s.write(INFO),
      /^timeout after 2000 ms waiting for the NATS handshake \(CONNECT, PING, PONG\)/,
    ],
    [
      'refuses every client',
      (s: Socket) => {
        s.write(INFO);
        s.on('data', () => s.write("-ERR 'Authorization Violation'\r\n"));
      },
      /^authorization violation: 127\.0\.0\.1:\d+ refused the credentials/,
    ],
  ] as const)("a server that %s is named in one line (a hang would be the test's timeout)", async (_name, behave, message) => {
    const server = createServer((s) => {
      s.on('error', () => undefined);
      behave(s);
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    try {
      const r = await probeOne(target('nats', { url: `nats://127.0.0.1:${(server.address() as { port: number }).port}` }), 2000);
      expect(r.status).toBe('fail');
      expect(r.error).toMatch(message);
    } finally {
      server.close();
    }
  });
});

function drip(s: Socket, text: string, everyMs: number): void {
  let i = 0;
  const t = setInterval(() => (i < text.length && !s.destroyed ? s.write(text[i++]) : clearInterval(t)), everyMs);
  s.on('close', () => clearInterval(t));
}
