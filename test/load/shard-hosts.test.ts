import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addHistograms } from '../../src/results/histogram.js';
import { runCli } from '../helpers/cli.js';
import { virtualHosts, type VirtualHosts } from '../helpers/netns.js';

/**
 * Shards on four separate hosts as far as the network can tell: four network namespaces, each with its
 * own network stack and address on a bridge, loading one target in the machine's own namespace. The
 * target (an HTTP server of the test's own, answering after 10 ms) counts what it received from each
 * source address: the independent view of what each shard sent.
 */
describe('shards on four network hosts, merged', () => {
  const dir = mkdtempSync(join(tmpdir(), 'validate-shard-hosts-'));
  const bySource = new Map<string, number>();
  const arrivals: number[] = [];
  let hosts: VirtualHosts;
  let server: Server;
  let url = '';

  beforeAll(async () => {
    hosts = virtualHosts(4);
    server = createServer((req, res) => {
      const from = req.socket.remoteAddress!.replace(/^::ffff:/, '');
      bySource.set(from, (bySource.get(from) ?? 0) + 1);
      arrivals.push(performance.now());
      setTimeout(() => res.end('ok'), 10);
    });
    await new Promise<void>((r) => server.listen(0, hosts.gateway, r));
    url = `http://${hosts.gateway}:${(server.address() as { port: number }).port}/`;
  });
  afterAll(() => {
    server?.close();
    hosts?.remove();
  });

  it('each host sent its exact slice, the target counted the same from each address, and the merge is their union', async () => {
    const startAt = new Date(Date.now() + 3000).toISOString();
    const files = [1, 2, 3, 4].map((i) => join(dir, `s${i}.json`));
    const shards = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        hosts.validate(i, ['load', url, '-R', '1000', '-d', '5s', '--shard', `${i + 1}/4`, '--start-at', startAt, '-q', '-o', files[i]]),
      ),
    );
    for (const s of shards) expect(s.code, s.stderr).toBe(0);
    const parts = files.map((f) => JSON.parse(readFileSync(f, 'utf8')).scenarios[0]);
    // The target's own count, per source address, is each shard's request count.
    expect(hosts.hosts.map((h) => bySource.get(h.ip))).toEqual(parts.map((p) => p.requests));
    expect(bySource.size).toBe(4);
    const merged = await runCli(['merge', ...files, '--format', 'json']);
    const m = JSON.parse(merged.stdout).scenarios[0];
    // Four generators and the target on two cores: a shard the machine held up is INVALID, and so the whole (exit 3), never NO-GO.
    const invalid = parts.filter((p) => p.validity === 'INVALID');
    expect([merged.code, m.validity], merged.stderr).toEqual(invalid.length ? [3, 'INVALID'] : [0, 'VALID']);
    expect(m.requests).toBe(5000);
    expect(m.errors).toBe(0);
    expect(m.latencyMs).toEqual(addHistograms(parts.map((p) => p.histograms.latency)).summary);
    // The merge adds the shards' rates exactly; the schedule itself is judged by the target's own clock:
    // 5,000 arrivals spread over the 5 s asked (a shard held up at its end would stretch the span).
    expect(m.rps).toBeCloseTo(
      parts.reduce((a, p) => a + p.rps, 0),
      6,
    );
    const span = (arrivals[arrivals.length - 1] - arrivals[0]) / 1000;
    expect(Math.abs((arrivals.length - 1) / span - 1000) / 1000, `arrivals over ${span.toFixed(3)} s`).toBeLessThan(0.02);
    console.log(
      `4 hosts (network namespaces) x 250/s merged: ${m.requests} requests, ${m.rps.toFixed(1)}/s, p50 ${m.latencyMs.p50} ms, p99 ${m.latencyMs.p99} ms; target counted ${[...bySource.values()].join(', ')} from ${[...bySource.keys()].join(', ')}`,
    );
  }, 60_000);
});
