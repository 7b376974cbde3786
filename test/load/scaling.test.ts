import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli, whyNot } from '../helpers/cli.js';
import { waitFor } from '../helpers/ports.js';

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

/**
 * One URL behind a balancer, the instance count set by a command, as `kubectl scale` sets a Deployment's.
 * The platform is the test's own (a real HTTP server on a real socket): it reads the count the command
 * writes, brings instances up after a start-up delay, says how many are ready, and sends each request to
 * the next ready instance. Each instance serves one request at a time, 5 ms each: capacity that scales with
 * the instances, not with this machine's cores. It counts what each instance served at each count.
 */
interface Platform {
  url: string;
  dir: string;
  /** Requests served at each instance count, by instance. */
  served: Map<number, number[]>;
  /** Every count the scale command was given, in order. */
  commands(): number[];
  close(): void;
}

async function balancedPlatform(o: { initial: number; max: number }): Promise<Platform> {
  const pdir = mkdtempSync(join(tmpdir(), 'validate-replicas-'));
  writeFileSync(join(pdir, 'want'), String(o.initial));
  writeFileSync(join(pdir, 'ready'), String(o.initial));
  writeFileSync(join(pdir, 'log'), '');
  let ready = o.initial;
  let next = 0;
  const queues: Promise<void>[] = Array.from({ length: o.max }, () => Promise.resolve());
  const served = new Map<number, number[]>();
  // The count the command asked for, reached one instance every 100 ms (never beyond what the platform has).
  const poll = setInterval(() => {
    const want = Math.min(o.max, Number(readFileSync(join(pdir, 'want'), 'utf8')));
    if (want === ready) return;
    ready += want > ready ? 1 : -1;
    writeFileSync(join(pdir, 'ready'), String(ready));
  }, 100);
  const server = createServer((req, res) => {
    req.resume();
    const k = ready;
    const i = next++ % k;
    queues[i] = queues[i].then(
      () =>
        new Promise<void>((done) =>
          setTimeout(() => {
            const row = served.get(k) ?? Array(o.max).fill(0);
            row[i]++;
            served.set(k, row);
            res.end('ok');
            done();
          }, 5),
        ),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`,
    dir: pdir,
    served,
    commands: () => readFileSync(join(pdir, 'log'), 'utf8').split('\n').filter(Boolean).map(Number),
    close() {
      clearInterval(poll);
      server.close();
    },
  };
}

function replicasConfig(p: Platform, timeout = '10s', o: { command?: string; ready?: string; duration?: string } = {}): string {
  const file = join(dir, `replicas-${Math.random().toString(36).slice(2, 8)}.yaml`);
  const command = o.command ?? `echo {n} >> '${p.dir}/log' && echo {n} > '${p.dir}/want'`;
  const ready = o.ready ?? `cat '${p.dir}/ready'`;
  writeFileSync(
    file,
    `platform: scaling\nscenarios:\n  - kind: scaling\n    name: scale-out\n    url: "${p.url}"\n    steps: [1, 2, 3]\n    connections: 4\n    duration: ${o.duration ?? '1500ms'}\n` +
      `    replicas:\n      command: ${JSON.stringify(command)}\n      ready: ${JSON.stringify(ready)}\n      timeout: ${timeout}\n` +
      `criteria:\n  - "scenario.scale-out.efficiency >= 70%"\n`,
  );
  return file;
}

describe('scaling one URL behind a balancer, the count set by a command', () => {
  it('with --chaos: each count set and ready before it is loaded, each served by that many instances, and the count set back', async () => {
    const p = await balancedPlatform({ initial: 2, max: 3 });
    try {
      const r = await runCli(['run', replicasConfig(p), '--chaos', '--format', 'json', '--retries', '0']);
      const report = JSON.parse(r.stdout);
      // 1, 2, 3 for the steps, then 2: as it was found.
      expect(p.commands()).toEqual([1, 2, 3, 2]);
      const results = report.scenarios as {
        name: string;
        level: number;
        notes?: string[];
        measurements: { metric: string; value: number }[];
      }[];
      expect(results.map((x) => x.level)).toEqual([1, 2, 3]);
      for (const [i, x] of results.entries()) {
        const k = i + 1;
        const requests = x.measurements.find((m) => m.metric === 'requests')!.value;
        // The platform's own count at that instance count: every instance of it served, and the sum is the result's.
        const row = p.served.get(k)!;
        expect(row.filter((n) => n > 0)).toHaveLength(k);
        expect(row.reduce((a, b) => a + b, 0)).toBe(requests);
      }
      expect(results[2].notes).toContain('instance count set back to 2, as it was found');
      if (report.verdict !== 'GO') expect(report.verdict, whyNot(r)).toBe('INCONCLUSIVE'); // a busy machine's generator
    } finally {
      p.close();
    }
  });

  it('without --chaos nothing is scaled: every step NOT RUN, saying why, and the criterion NOT RUN, not failed', async () => {
    const p = await balancedPlatform({ initial: 2, max: 3 });
    try {
      const md = join(dir, 'not-run.md');
      const r = await runCli(['run', replicasConfig(p), '--format', 'json', '--out', md]);
      const report = JSON.parse(r.stdout);
      expect(p.commands()).toEqual([]);
      // The checklist does not call a requirement verified on a criterion that did not run; no zeros pass for numbers.
      const text = readFileSync(md, 'utf8');
      expect(text).toMatch(/\| Horizontal scaling \| ⏭️ NOT RUN \| not run: it changes the platform's instance count/);
      expect(text).toContain('| scale-out-1 | 1 | — | 0 | — | — | — | — | — | — | — | - | ⏭️ NOT RUN |');
      expect(p.served.size).toBe(0);
      expect(report.scenarios.map((x: { status: string }) => x.status)).toEqual(['skip', 'skip', 'skip']);
      const c = report.criteria.find((x: { expression: string }) => x.expression.includes('efficiency'));
      expect([c.outcome, c.status]).toEqual(['NOT RUN', 'skip']);
      expect(c.reason).toMatch(
        /^not run: it changes the platform's instance count \(echo \{n\}.*\); scaling experiments run only with --chaos$/,
      );
      expect([r.code, report.verdict]).toEqual([0, 'GO']);
    } finally {
      p.close();
    }
  });

  it('a count the platform never reaches: that step INVALID (the experiment did not take effect), INCONCLUSIVE, and the count still set back', async () => {
    const p = await balancedPlatform({ initial: 1, max: 2 });
    try {
      const r = await runCli(['run', replicasConfig(p, '1500ms'), '--chaos', '--format', 'json', '--retries', '0']);
      const report = JSON.parse(r.stdout);
      const third = report.scenarios.find((x: { level: number }) => x.level === 3);
      expect(third.validity).toBe('INVALID');
      expect(third.invalidReason).toMatch(/^3 instance\(s\) were not ready within 1500 ms of "echo 3 >> .*" \(last: 2 ready\)$/);
      expect(p.served.get(3)).toBeUndefined();
      expect([r.code, report.verdict]).toEqual([3, 'INCONCLUSIVE']);
      expect(p.commands()).toEqual([1, 2, 3, 1]);
    } finally {
      p.close();
    }
  });

  it("a scale command that fails, a ready command that prints no count: each step INVALID with the command's own words", async () => {
    const p = await balancedPlatform({ initial: 1, max: 3 });
    try {
      const failing = replicasConfig(p, '1s', {
        command: 'echo \'Error from server (NotFound): deployments.apps "risk" not found\' >&2; exit 1 # {n}',
      });
      const r = await runCli(['run', failing, '--chaos', '--format', 'json', '--retries', '0']);
      const report = JSON.parse(r.stdout);
      expect(report.scenarios.map((x: { invalidReason: string }) => x.invalidReason)).toEqual(
        [1, 2, 3].map(
          (n) =>
            `the scale command (echo 'Error from server (NotFound): deployments.apps "risk" not found' >&2; exit 1 # ${n}) failed (exit 1): Error from server (NotFound): deployments.apps "risk" not found`,
        ),
      );
      expect([r.code, p.served.size]).toEqual([3, 0]);
      const babbling = replicasConfig(p, '1s', { ready: 'echo risk-7d9f 1/1 Running' });
      const b = JSON.parse((await runCli(['run', babbling, '--chaos', '--format', 'json', '--retries', '0'])).stdout);
      expect(b.scenarios[0].invalidReason).toBe(
        `1 instance(s) were not ready within 1000 ms of "echo 1 >> '${p.dir}/log' && echo 1 > '${p.dir}/want'" (last: the ready command (echo risk-7d9f 1/1 Running) printed "risk-7d9f 1/1 Running", not a count)`,
      );
      expect(b.scenarios.at(-1).notes.at(-1)).toMatch(/^not set back: the count before was unknown \(the ready command .* not a count\)$/);
    } finally {
      p.close();
    }
  });

  it('Ctrl-C in the middle: the count set back at once (not waited for), the partial report written', async () => {
    const p = await balancedPlatform({ initial: 2, max: 3 });
    try {
      const out = join(dir, 'interrupted.json');
      const cli = startCli(['run', replicasConfig(p, '30s', { duration: '20s' }), '--chaos', '--out', out, '-q']);
      await waitFor('the first step to be loaded', async () => (p.served.get(1)?.[0] ?? 0) > 0);
      cli.kill('SIGINT');
      const r = await cli.done;
      // 1 for the first step, then 2 as it was found; nothing after.
      expect(p.commands()).toEqual([1, 2]);
      const report = JSON.parse(readFileSync(out, 'utf8'));
      expect(report.scenarios.at(-1).notes).toContain(
        'instance count set back to 2, as it was found (not waited for: the run was interrupted)',
      );
      expect(r.code, r.stderr).not.toBe(0);
    } finally {
      p.close();
    }
  });
});
