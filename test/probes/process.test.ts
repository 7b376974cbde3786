import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { checkedExecute } from '../helpers/checked.js';
import { probeOne } from '../../src/run/probe-one.js';
import { Redactor } from '../../src/util/redact.js';
import { startRedis, type Running } from '../helpers/services.js';
import { waitFor } from '../helpers/ports.js';
import { target } from '../helpers/targets.js';

const dir = mkdtempSync(join(tmpdir(), 'validate-proc-'));
const pidfile = join(dir, 'worker.pid');
const startWorker = (): ChildProcess => {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  writeFileSync(pidfile, `${child.pid}\n`);
  return child;
};

describe('process probe', () => {
  let redis: Running;
  let worker: ChildProcess;
  beforeAll(async () => {
    redis = await startRedis();
    worker = startWorker();
  });
  afterAll(async () => {
    worker.kill('SIGKILL');
    await redis?.stop();
  });

  it('finds processes by name, with their count, memory and age', async () => {
    const r = await probeOne(target('process', { url: 'process://redis-server' }), 2000);
    expect(r.status).toBe('pass');
    const count = r.measurements.find((m) => m.metric === 'processes')!.value;
    expect(count).toBeGreaterThanOrEqual(1);
    for (const pid of String(r.details.pids).split(',')) expect(existsSync(`/proc/${pid}/stat`), `pid ${pid} is live`).toBe(true);
    expect(r.measurements.find((m) => m.metric === 'rss_bytes')!.value).toBeGreaterThan(0);
  });

  it('reads a pidfile and reports an identity (pid and start time)', async () => {
    const r = await probeOne(target('process', { url: `pidfile://${pidfile}` }), 2000);
    expect(r.status).toBe('pass');
    expect(r.details.identity).toMatch(new RegExp(`^${worker.pid}@\\d+$`));
  });

  it.each([
    ['pidfile:///no/such.pid', 'pidfile /no/such.pid does not exist'],
    ['process://no-such-process-xyz', 'no process named "no-such-process-xyz" is running'],
  ])('%s fails: %s', async (url, error) => {
    expect((await probeOne(target('process', { url }), 2000)).error).toBe(error);
  });

  it('a pidfile naming a dead process fails, and too few processes fail', async () => {
    const dead = spawn('true');
    await new Promise((r) => dead.on('exit', r));
    const stale = join(dir, 'stale.pid');
    writeFileSync(stale, String(dead.pid));
    expect((await probeOne(target('process', { url: `pidfile://${stale}` }), 2000)).error).toBe(
      `pidfile ${stale} names pid ${dead.pid}, which is not running`,
    );
    expect((await probeOne(target('process', { url: 'process://redis-server', min: 999 }), 2000)).error).toMatch(
      /^\d+ process\(es\) named "redis-server" running, expected at least 999$/,
    );
  });

  it('a restart during the run is seen: the identity changed between checks', async () => {
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-length': '2' }).end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    setTimeout(() => {
      worker.kill('SIGKILL');
      worker = startWorker(); // the supervisor brings it back: same name, new pid
    }, 700);
    const report = await checkedExecute(
      parseConfigText(
        `targets:\n  - { name: worker, kind: process, url: "pidfile://${pidfile}" }\nmonitor: { interval: 150ms }\nscenarios:\n  - { name: bg, kind: rate, url: "${url}", rate: 20, duration: 1500ms }\ncriteria:\n  - process.worker.restarts_seen == 0\n`,
        'p.yaml',
        new Redactor(),
        {},
      ),
      new Redactor(),
    );
    server.close();
    const seen = report.probes[0].measurements.find((m) => m.metric === 'restarts_seen')!.value;
    expect(seen).toBe(1);
    expect(report.criteria.at(-1)).toMatchObject({ status: 'fail', actual: 1 });
  });

  it('CPU over its window and RSS, as the scheduler and ps count them for the same processes', async () => {
    const spin = spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' });
    const spinFile = join(dir, 'spin.pid');
    writeFileSync(spinFile, `${spin.pid}\n`);
    try {
      // The scheduler's own count of the time the process ran (ns, /proc/PID/schedstat): not the clock ticks
      // the probe reads (/proc/PID/stat), and finer than ps's cputimes, whose whole seconds a busy machine
      // (the spinner getting 0.7 s of a second) rounds into a false failure.
      const psCpu = () => Number(readFileSync(`/proc/${spin.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e9;
      await waitFor('the spinning process to be running its loop', async () => psCpu() >= 0.3);
      const before = psCpu();
      const t0 = performance.now();
      const r = await probeOne(target('process', { url: `pidfile://${spinFile}`, window: '1s' }), 3000);
      const after = psCpu();
      const wallS = (performance.now() - t0) / 1000;
      const cpu = r.measurements.find((m) => m.metric === 'cpu_pct')!.value;
      // The probe's window lies inside [before, after]: its CPU seconds cannot exceed what ps saw in all of it.
      expect((cpu / 100) * 1).toBeLessThanOrEqual(after - before + 0.02);
      expect(cpu).toBeLessThanOrEqual(101); // one thread: at most one core
      expect(cpu).toBeGreaterThan(0);
      expect(after - before).toBeLessThanOrEqual(wallS + 0.02);
      const rssKiB = Number(execFileSync('ps', ['-o', 'rss=', '-p', String(spin.pid)], { encoding: 'utf8' }).trim());
      const rss = r.measurements.find((m) => m.metric === 'rss_bytes')!.value / 1024;
      expect(Math.abs(rss - rssKiB)).toBeLessThan(rssKiB * 0.2); // a live process's RSS moves a little between readings
      const total = Number(/^MemTotal:\s+(\d+)/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]);
      expect(r.measurements.find((m) => m.metric === 'memory_used_pct')!.value).toBeCloseTo((rss / total) * 100, 6);
      // A sleeping process uses none.
      const idle = await probeOne(target('process', { url: `pidfile://${pidfile}`, window: '300ms' }), 3000);
      expect(idle.measurements.find((m) => m.metric === 'cpu_pct')!.value).toBe(0);
    } finally {
      spin.kill('SIGKILL');
    }
  });

  it('CPU held under load: every monitor round keeps a sample, and a for: criterion reads the level held that long', async () => {
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-length': '2' }).end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    // Busy for the first part of the run only: a spike, not a sustained load.
    const spin = spawn(process.execPath, ['-e', 'const end = Date.now() + 800; while (Date.now() < end) {} setTimeout(() => {}, 30000);'], {
      stdio: 'ignore',
    });
    const spinFile = join(dir, 'spike.pid');
    writeFileSync(spinFile, `${spin.pid}\n`);
    const report = await checkedExecute(
      parseConfigText(
        `targets:\n  - { name: spike, kind: process, url: "pidfile://${spinFile}", window: 200ms, required: false }\nmonitor: { interval: 250ms }\nscenarios:\n  - { name: bg, kind: rate, url: "${url}", rate: 20, duration: 2500ms }\ncriteria:\n  - { expect: "process.spike.cpu_pct < 50%", for: 2s }\n  - { expect: "process.spike.cpu_pct < 50%" }\n`,
        'p.yaml',
        new Redactor(),
        {},
      ),
      new Redactor(),
    );
    server.close();
    spin.kill('SIGKILL');
    const p = report.probes[0];
    const series = p.samples?.cpu_pct ?? [];
    expect(series.length).toBeGreaterThanOrEqual(3);
    // The value shown is the worst sample; the held level over 2 s is what the samples say, recomputed here.
    const worst = Math.max(...series.map((s) => s[1]));
    expect(p.measurements.find((m) => m.metric === 'cpu_pct')!.value).toBe(worst);
    const [held, peak] = report.criteria.slice(-2);
    expect(peak.actual).toBe(worst);
    let expected = -Infinity;
    for (let i = 0; i < series.length; i++) {
      let j = i;
      let min = series[i][1];
      while (j + 1 < series.length && series[j][0] - series[i][0] < 2) min = Math.min(min, series[++j][1]);
      if (series[j][0] - series[i][0] >= 2) expected = Math.max(expected, min);
    }
    expect(held.actual).toBe(expected);
    expect(held.actual!).toBeLessThanOrEqual(peak.actual!);
  });
});
