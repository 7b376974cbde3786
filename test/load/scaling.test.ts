import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, whyNot } from '../helpers/cli.js';

/**
 * The scaling scenario against real HTTP servers that count what they serve. Each instance answers after
 * 5 ms (a service's own work, not this machine's CPU): independent instances scale; instances that share
 * one lock (a database row every request takes) do not, however many there are. Counts are the servers'
 * own; the efficiency bounds are wide (a true scaler reads near 100%, a shared lock near 1/N).
 */
interface Instance {
  url: string;
  served: number;
  server: Server;
}

async function instance(work: (done: () => void) => void): Promise<Instance> {
  const me: Instance = { url: '', served: 0, server: undefined as unknown as Server };
  me.server = createServer((req, res) => {
    req.resume();
    work(() => {
      me.served++;
      res.end('ok');
    });
  });
  await new Promise<void>((r) => me.server.listen(0, '127.0.0.1', () => r()));
  me.url = `http://127.0.0.1:${(me.server.address() as { port: number }).port}/`;
  return me;
}

const dir = mkdtempSync(join(tmpdir(), 'validate-scaling-'));
const all: Instance[] = [];
afterAll(() => all.forEach((i) => i.server.close()));

async function scaling(instances: Instance[]) {
  const p = join(dir, `s${all.length}.yaml`);
  writeFileSync(
    p,
    `platform: scaling\nscenarios:\n  - kind: scaling\n    name: scale-out\n    urls: [${instances.map((i) => `"${i.url}"`).join(', ')}]\n    connections: 4\n    duration: 1500ms\ncriteria:\n  - "scenario.scale-out.efficiency >= 70%"\n`,
  );
  const before = instances.map((i) => i.served);
  const r = await runCli(['run', '--config', p, '--format', 'json']);
  const report = JSON.parse(r.stdout);
  const served = instances.map((i, k) => i.served - before[k]);
  return { r, report, served };
}

describe('scaling: throughput per instance count, efficiency against one instance', () => {
  let free: Instance[];
  let locked: Instance[];
  beforeAll(async () => {
    free = await Promise.all([0, 1, 2].map(() => instance((done) => setTimeout(done, 5))));
    // One lock shared by every instance: requests take turns, 5 ms each.
    let tail = Promise.resolve();
    const turn = (done: () => void) => {
      tail = tail.then(() => new Promise<void>((r) => setTimeout(() => (done(), r()), 5)));
    };
    locked = await Promise.all([0, 1, 2].map(() => instance(turn)));
    all.push(...free, ...locked);
  });

  it('independent instances: one result per count, every request counted by the servers, efficiency near 100%', async () => {
    const { r, report, served } = await scaling(free);
    const results = report.scenarios as {
      name: string;
      level: number;
      requests: number;
      measurements: { metric: string; value: number }[];
    }[];
    expect(results.map((x) => [x.name, x.level])).toEqual([
      ['scale-out-1', 1],
      ['scale-out-2', 2],
      ['scale-out', 3],
    ]);
    // What the servers served is what the results counted (the first instance takes part in all three steps).
    const requests = results.map((x) => x.measurements.find((m) => m.metric === 'requests')!.value);
    expect(served.reduce((a, b) => a + b, 0)).toBe(requests.reduce((a, b) => a + b, 0));
    expect(served[2]).toBeGreaterThan(0);
    const value = (x: (typeof results)[number], m: string) => x.measurements.find((y) => y.metric === m)?.value;
    expect(value(results[0], 'efficiency')).toBe(100);
    const eff = value(results[2], 'efficiency')!;
    expect(eff).toBeCloseTo((value(results[2], 'rps')! / (3 * value(results[0], 'rps')!)) * 100, 6);
    if (report.verdict === 'GO') expect(eff).toBeGreaterThanOrEqual(70);
    else expect(report.verdict, whyNot(r)).toBe('INCONCLUSIVE'); // a busy machine's generator, never the servers
  });

  it('instances behind one shared lock: efficiency near 1/N, NO-GO on the criterion', async () => {
    const { report } = await scaling(locked);
    const last = report.scenarios.find((x: { name: string }) => x.name === 'scale-out');
    const eff = last.measurements.find((m: { metric: string }) => m.metric === 'efficiency').value;
    expect(eff).toBeLessThan(60);
    const c = report.criteria.find((x: { expression: string }) => x.expression.includes('efficiency'));
    expect(c.outcome).toBe('NOT MET');
    expect(report.verdict).toBe('NO-GO');
  });
});
