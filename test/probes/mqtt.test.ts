import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type Mosquitto } from '../helpers/mosquitto.js';
import { target } from '../helpers/targets.js';
import { probeOne } from '../../src/run/probe-one.js';
import type { ProbeResult } from '../../src/results/result.js';

/**
 * The mqtt probe on real mosquitto brokers of the test's own (anonymous; with a password file), checked
 * against a mosquitto_sub witness in another process (the round trip's messages) and retained messages
 * that mosquitto_pub left with timestamps of the test's choosing.
 */
let open: Mosquitto;
let locked: Mosquitto;

beforeAll(async () => {
  [open, locked] = await Promise.all([startMosquitto(), startMosquitto({ user: 'ops', pass: 'p/ss:w@rd' })]);
  const pub = (topic: string, message: string) =>
    execFileSync('mosquitto_pub', ['-p', String(open.port), '-t', topic, '-r', '-m', message]);
  pub('md/last/quotes', JSON.stringify({ ts: Math.round(Date.now() / 1000) - 90, px: 101.5 }));
  pub('md/last/trades', 'not json');
});
afterAll(async () => {
  await Promise.all([open, locked].map((b) => b?.stop()));
});

const plain = (r: ProbeResult) => Object.fromEntries(r.measurements.filter((m) => !m.labels).map((m) => [m.metric, m.value]));
const labelled = (r: ProbeResult, metric: string, topic: string) =>
  r.measurements.find((m) => m.metric === metric && m.labels?.topic === topic)?.value;

describe('the mqtt probe', () => {
  it('times a round trip at QoS 1, and a witness in another process saw exactly those messages', async () => {
    const witness = await open.witness('validate/probe/+');
    const r = await probeOne(target('mqtt', { url: open.url, samples: 6 }), 4000);
    expect(r.status, r.error).toBe('pass');
    expect(plain(r)).toMatchObject({ bus_lost: 0, bus_out_of_order: 0, auth_required: 0, tls_enabled: 0 });
    expect(plain(r).bus_round_trip_ms).toBeGreaterThan(0);
    await expect.poll(() => witness.lines().length).toBe(6);
    expect(witness.lines().map((l) => l.split(' ')[1])).toEqual(['0', '1', '2', '3', '4', '5']);
    witness.stop();
  });

  it("reads retained messages: the age from the payload's own timestamp, a topic without one is a warning", async () => {
    const r = await probeOne(target('mqtt', { url: open.url, retained: ['md/last/quotes', 'md/last/trades', 'md/last/none'] }), 4000);
    expect(r.status).toBe('warn');
    expect(labelled(r, 'retained', 'md/last/quotes')).toBe(1);
    expect(labelled(r, 'retained', 'md/last/trades')).toBe(1);
    expect(labelled(r, 'retained', 'md/last/none')).toBe(0);
    const age = labelled(r, 'retained_age_s', 'md/last/quotes')!;
    expect(age).toBeGreaterThanOrEqual(89);
    expect(age).toBeLessThan(120);
    expect(r.unmeasured?.retained_age_s).toBe('the retained message on md/last/trades carries no timestamp (a JSON ts field)');
    expect(r.warnings).toContain('no retained message on md/last/none');
    expect(plain(r).retained).toBe(0);
  });

  it('counts clients as the broker does on $SYS: at least the witnesses the test keeps connected', async () => {
    const witnesses = await Promise.all([0, 1, 2].map(() => open.witness('nothing/here')));
    try {
      // mosquitto refreshes $SYS every second here: the count includes the three once it has.
      await expect
        .poll(async () => plain(await probeOne(target('mqtt', { url: open.url, samples: 1 }), 4000)).clients_connected, { timeout: 10_000 })
        .toBeGreaterThanOrEqual(3);
    } finally {
      witnesses.forEach((w) => w.stop());
    }
  });

  it('a broker that requires credentials: 1 with them, and without them the refusal names the fix', async () => {
    const withCreds = await probeOne(target('mqtt', { url: locked.url, samples: 2 }), 4000);
    expect(withCreds.status, withCreds.error).toBe('pass');
    expect(plain(withCreds).auth_required).toBe(1);
    const without = await probeOne(target('mqtt', { url: `mqtt://127.0.0.1:${locked.port}` }), 4000);
    expect(without.error).toBe(
      `refused: not authorized: the broker requires credentials (give them in the URL: mqtt://user:pass@host) (127.0.0.1:${locked.port})`,
    );
  });
});

describe('the mqtt probe against what is not a broker', () => {
  let liar: Server;
  let closer: Server;
  beforeAll(async () => {
    // Real socket servers that misbehave on purpose: one answers CONNECT with a NATS greeting, one hangs up.
    liar = createServer((s) => s.once('data', () => s.write('INFO {"server_id":"x"}\r\n')));
    closer = createServer((s) => s.once('data', () => s.destroy()));
    await Promise.all([liar, closer].map((srv) => new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))));
  });
  afterAll(() => [liar, closer].forEach((s) => s?.close()));
  const portOf = (s: Server) => (s.address() as { port: number }).port;

  it('names what answered, within the timeout', async () => {
    const garbled = await probeOne(target('mqtt', { url: `mqtt://127.0.0.1:${portOf(liar)}` }), 3000);
    expect(garbled.error).toMatch(/^not MQTT: 127\.0\.0\.1:\d+ answered CONNECT with something that is not an MQTT packet/);
    const closed = await probeOne(target('mqtt', { url: `mqtt://127.0.0.1:${portOf(closer)}` }), 3000);
    expect(closed.error).toBe(`not MQTT: 127.0.0.1:${portOf(closer)} closed the connection instead of answering CONNECT`);
  });
});
