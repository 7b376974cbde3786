import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, whyNot } from '../helpers/cli.js';
import { independent } from '../helpers/independent-subscriber.js';
import { startNats, type NatsServer } from '../helpers/nats-server.js';
import { certificateFor } from '../helpers/certs.js';

/**
 * The bus scenario over NATS, the second bus kind, on a nats-server of the test's own: the numbers are
 * checked against the server's own counters (/connz: what it took from the publisher and gave the
 * subscriber) and an independent subscriber in another process timing the same messages, and a server restart in the middle against the stop and start times the fault's own
 * commands wrote down.
 */
const dir = mkdtempSync(join(tmpdir(), 'validate-nats-bus-'));
let nats: NatsServer;

beforeAll(async () => {
  nats = await startNats();
});
afterAll(() => nats?.stop());

function config(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

interface Conn {
  name?: string;
  in_msgs: number;
  out_msgs: number;
}
const closedConnections = async (): Promise<Conn[]> =>
  (await (await fetch(`${nats.monitor}/connz?state=closed&limit=10000`)).json()).connections;

describe('the bus scenario on NATS', () => {
  it('on a server that requires TLS (its CA not trusted, so tlsVerify: false): every message, over TLS as the server itself says', async () => {
    const tlsNats = await startNats({ jetstream: false, tls: certificateFor(['IP:127.0.0.1']) });
    try {
      const file = config(
        'tls.yaml',
        `targets:\n  - { name: bus, kind: nats, url: "${tlsNats.url}", tlsVerify: false }\nscenarios:\n  - { name: q, kind: bus, target: bus, channel: "tls.q", rate: 1000, duration: 1s, timeout: 2s, clientName: nats-tls }\n`,
      );
      const r = await runCli(['run', file, '--format', 'json', '--retries', '0']);
      const [result] = JSON.parse(r.stdout).scenarios;
      expect(r.code, whyNot(r)).toBe(result.validity === 'VALID' ? 0 : 3);
      expect(result.delivery).toMatchObject({ published: 1000, delivered: 1000, lost: 0 });
      const conns: (Conn & { tls_version?: string })[] = (await (await fetch(`${tlsNats.monitor}/connz?state=closed&limit=100`)).json())
        .connections;
      const publisher = conns.find((c) => c.name === 'nats-tls-publisher')!;
      expect([publisher.in_msgs, publisher.tls_version]).toEqual([1001, '1.3']);
    } finally {
      await tlsNats.stop();
    }
  });

  it('5,000 messages/s on core NATS: delivered = published, lost 0, exactly as many as the server took and gave', async () => {
    const file = config(
      'core.yaml',
      `targets:\n  - { name: md-bus, kind: nats, url: "${nats.url}" }\nscenarios:\n  - { name: quotes, kind: bus, target: md-bus, channel: "md.quotes", rate: 5000, duration: 2s, timeout: 2s, clientName: nats-core }\n`,
    );
    const sub = await independent(nats.url, 'md.quotes');
    const r = await runCli(['run', file, '--format', 'json', '--retries', '0']);
    const seen = await sub.end();
    // GO, or INCONCLUSIVE (exit 3) when the generator was held up on a busy machine; the counts stand either way.
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
    const conns = await closedConnections();
    // The server took every message, and gave them all to the subscriber; and one more each way: the run's end marker (a fence it waits for).
    expect(conns.find((c) => c.name === 'nats-core-publisher')!.in_msgs).toBe(result.delivery.published + 1);
    expect(conns.find((c) => c.name === 'nats-core-subscriber')!.out_msgs).toBe(result.delivery.delivered + 1);
  });

  it('a JetStream stream across a server restart: nothing lost, the gap covers the time the server was down, and the run removes its stream', async () => {
    const marks = join(dir, 'marks');
    const file = config(
      'restart.yaml',
      `targets:\n  - { name: order-bus, kind: nats, url: "${nats.url}" }\nscenarios:\n` +
        `  - { name: orders, kind: bus, target: order-bus, stream: "orders.new", rate: 1000, duration: 4s, timeout: 5s }\n` +
        `faults:\n  - name: nats-restart\n    fault: { type: restart, stop: ${JSON.stringify(`${nats.stopCommand}; date +%s%3N >> ${marks}`)}, start: ${JSON.stringify(`date +%s%3N >> ${marks}; ${nats.startCommand}`)}, downFor: 500ms }\n` +
        `    watch: [order-bus]\n    interval: 50ms\n    during: orders\n    at: 1s\n` +
        `criteria:\n  - fault.nats-restart.messages_lost == 0\n`,
    );
    const r = await runCli(['run', file, '--chaos', '--format', 'json', '--retries', '0']);
    const report = JSON.parse(r.stdout);
    const [orders] = report.scenarios;
    const [fault] = report.faults;
    const [down, up] = readFileSync(marks, 'utf8').trim().split('\n').map(Number);
    expect(orders.delivery.lost).toBe(0);
    expect(orders.delivery.delivered).toBe(orders.delivery.published);
    expect(fault.traffic).toMatchObject({ scenario: 'orders', lost: 0, refused: orders.delivery.publishFailed }); // every refusal fell in the fault's window
    // No delivery while the server was certainly down: from the end of the stop command (its port closed) to
    // the start of the start command. The marks are taken inside that span, never outside it: a busy machine
    // delays a mark, and a mark taken before the kill or after the restart would count time the server served.
    expect(orders.delivery.maxGapMs).toBeGreaterThanOrEqual(up - down);
    expect(report.criteria.find((c: { expression: string }) => c.expression === 'fault.nats-restart.messages_lost == 0').outcome).toBe(
      'MET',
    );
    const jsz = await (await fetch(`${nats.monitor}/jsz`)).json();
    expect(jsz.streams).toBe(0);
    console.log(
      `nats JetStream restart: ${orders.delivery.published} published (${orders.delivery.publishFailed} refused while down), lost 0, server certainly down ${up - down} ms, longest gap ${orders.delivery.maxGapMs.toFixed(0)} ms, fault gap ${fault.traffic.gapMs?.toFixed(0)} ms; window ${JSON.stringify(fault.traffic)}`,
    );
  });
});
