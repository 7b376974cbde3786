import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { checkedExecute } from '../helpers/checked.js';
import { probeOne } from '../../src/run/probe-one.js';
import { Redactor } from '../../src/util/redact.js';
import { startRedis, type Running } from '../helpers/services.js';
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
});
