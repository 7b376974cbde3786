/**
 * Load generator benchmarks (issue 3). Prints figures and ratios; nothing here is asserted.
 *   npm run bench:load [-- throughput accuracy co memory]
 * Every tool runs as its own process against a target in yet another process, alternated, medians of 3.
 * Needs: autocannon (devDependency), wrk (Debian package wrk); nginx (Debian nginx-light) is used when present.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/helpers/ports.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/validate');
const AUTOCANNON = join(ROOT, 'node_modules/.bin/autocannon');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const want = new Set(process.argv.slice(2));
const enabled = (s: string) => want.size === 0 || want.has(s);

async function nodeTarget(...args: (number | string)[]): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, [join(ROOT, 'bench/target-server.mjs'), ...args.map(String)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((r) => proc.stdout!.once('data', (d) => r(Number(String(d)))));
  return { url: `http://127.0.0.1:${port}/`, proc };
}

async function nginxTarget(): Promise<{ url: string; proc: ChildProcess } | undefined> {
  if (spawnSync('sh', ['-c', 'command -v nginx']).status !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'bench-nginx-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1; daemon off; pid ${dir}/pid; error_log ${dir}/error.log;
events { worker_connections 1024; }
http { access_log off; keepalive_requests 1000000; keepalive_timeout 60s;
  server { listen 127.0.0.1:${port}; location / { default_type application/json; return 200 '{"status":"healthy"}'; } } }`,
  );
  const proc = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  return { url: `http://127.0.0.1:${port}/`, proc };
}

function validateLoad(args: string[]) {
  const out = execFileSync(process.execPath, [BIN, 'load', ...args, '--format', 'json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 << 20,
  });
  return JSON.parse(out).scenarios[0];
}

/** Runs a command under GNU time: its stdout, and the CPU seconds (user + system) it used. */
function timedCpu(cmd: string, args: string[]): { out: string; cpuS: number } {
  const r = spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', cmd, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const m = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  if (!m) throw new Error(`no CPU time from /usr/bin/time (apt-get install time): ${r.stderr.slice(-200)}`);
  return { out: r.stdout, cpuS: Number(m[1]) + Number(m[2]) };
}

/** wrk's "Latency Distribution" p50, in ms. */
function wrkP50(url: string, connections: number, seconds: number): number {
  const out = execFileSync('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', url], { encoding: 'utf8' });
  const m = /^\s+50%\s+([\d.]+)(us|ms|s)/m.exec(out);
  if (!m) throw new Error(`cannot read wrk's p50 from:\n${out}`);
  return Number(m[1]) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[m[2]];
}

/**
 * Requests per second, and CPU time per request (the generator's own cost, whatever the target's
 * ceiling): the three tools alternated, five runs each, medians.
 */
async function throughput(label: string, target: { url: string; proc: ChildProcess }) {
  const runs: Record<'validate' | 'autocannon' | 'wrk', { rps: number; cpuUs: number }[]> = { validate: [], autocannon: [], wrk: [] };
  // Start-up excluded (as wrk has next to none): the CPU of a load of one request, taken off each run's.
  const startCpu = median([0, 1, 2].map(() => timedCpu(process.execPath, [BIN, 'load', target.url, '-c', '1', '-a', '1', '-q']).cpuS));
  for (let i = 0; i < 5; i++) {
    const ours = timedCpu(process.execPath, [BIN, 'load', target.url, '-c', '50', '-d', '5s', '--format', 'json']);
    const r = JSON.parse(ours.out).scenarios[0];
    runs.validate.push({ rps: r.rps, cpuUs: ((ours.cpuS - startCpu) / r.requests) * 1e6 });
    const ac = timedCpu(AUTOCANNON, ['-c', '50', '-d', '5', '-j', target.url]);
    const j = JSON.parse(ac.out);
    runs.autocannon.push({ rps: j.requests.total / j.duration, cpuUs: (ac.cpuS / j.requests.total) * 1e6 });
    // wrk with one thread: one event loop, as validate load and autocannon have.
    const w = timedCpu('wrk', ['-t1', '-c50', '-d5s', target.url]);
    const total = Number(/(\d+) requests in/.exec(w.out)![1]);
    runs.wrk.push({ rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(w.out)![1]), cpuUs: (w.cpuS / total) * 1e6 });
  }
  // What no Node program goes below: sockets that send again on each answer, and nothing else.
  const floor = [0, 1, 2].map(() => {
    const [rps, cpuUs] = execFileSync(process.execPath, [join(ROOT, 'bench/node-floor.mjs'), target.url, 'closed', '5'], {
      encoding: 'utf8',
    })
      .trim()
      .split(' ')
      .map(Number);
    return { rps, cpuUs };
  });
  target.proc.kill();
  const m = (xs: { rps: number; cpuUs: number }[], k: 'rps' | 'cpuUs') => median(xs.map((x) => x[k]));
  console.log(
    `throughput vs ${label}, 50 connections, 5 s, alternated, medians of 5; validate's start-up CPU (${startCpu.toFixed(2)} s) excluded`,
  );
  for (const [tool, xs] of Object.entries(runs)) {
    console.log(
      `  ${tool.padEnd(14)} ${xs.map((x) => x.rps.toFixed(0)).join(' / ')} req/s  median ${m(xs, 'rps').toFixed(0)}; CPU ${m(xs, 'cpuUs').toFixed(1)} µs/request`,
    );
  }
  console.log(
    `  Node's floor   median ${m(floor, 'rps').toFixed(0)} req/s; CPU ${m(floor, 'cpuUs').toFixed(1)} µs/request (bench/node-floor.mjs closed)`,
  );
  console.log(
    `  ratio validate/floor: throughput ${(m(runs.validate, 'rps') / m(floor, 'rps')).toFixed(3)}, CPU per request ${(m(runs.validate, 'cpuUs') / m(floor, 'cpuUs')).toFixed(3)}`,
  );
  for (const other of ['autocannon', 'wrk'] as const) {
    console.log(
      `  ratio validate/${other}: throughput ${(m(runs.validate, 'rps') / m(runs[other], 'rps')).toFixed(3)}, CPU per request ${(m(runs.validate, 'cpuUs') / m(runs[other], 'cpuUs')).toFixed(3)} (lower is cheaper)`,
    );
  }
}

if (enabled('throughput')) {
  await throughput('a minimal Node server (one core, the server is the bottleneck)', await nodeTarget());
  const nginx = await nginxTarget();
  if (nginx) await throughput('nginx, 1 worker (the generator is the bottleneck)', nginx);
  else console.log('  (nginx not installed: apt-get install nginx-light for the generator-bound comparison)');
}

if (enabled('accuracy')) {
  const t = await nodeTarget(20);
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < 3; i++) {
    ours.push(validateLoad([t.url, '-c', '50', '-d', '5s']).latencyMs.p50);
    theirs.push(wrkP50(t.url, 50, 5));
  }
  t.proc.kill();
  console.log('accuracy: a server answering after 20 ms, 50 connections, 5 s, alternated, medians of 3');
  console.log(`  validate p50 ${ours.map((x) => x.toFixed(2)).join(' / ')} ms; wrk p50 ${theirs.map((x) => x.toFixed(2)).join(' / ')} ms`);
  console.log(`  difference of medians: ${(median(ours) - median(theirs)).toFixed(3)} ms (bar: within 0.5 ms)`);
}

if (enabled('co')) {
  const t = await nodeTarget(0, 10_000, 2000);
  await new Promise((r) => setTimeout(r, 100));
  const r = validateLoad([t.url, '-R', '200', '-d', '20s']);
  t.proc.kill();
  // The same server, loaded the closed way (100 users back to back for 20 s): what wrk or autocannon would see.
  const t2 = await nodeTarget(0, 10_000, 2000);
  await new Promise((res) => setTimeout(res, 100));
  const closed = validateLoad([t2.url, '-c', '100', '-d', '20s']);
  t2.proc.kill();
  const c = r.latencyMs;
  const u = r.uncorrectedLatencyMs;
  const k = closed.latencyMs;
  console.log('coordinated omission: a server holding every request for 2 s once every 10 s');
  console.log(
    `  open, 200/s for 20 s, from the schedule: p50 ${c.p50} ms, p90 ${c.p90} ms, p99 ${c.p99} ms, max ${c.max} ms   (expected about 1, 1000, 1900, 2000)`,
  );
  console.log(`  open, from the send:                    p50 ${u.p50} ms, p90 ${u.p90} ms, p99 ${u.p99} ms, max ${u.max} ms`);
  console.log(
    `  requests ${r.requests}, late ${r.late}, queued ${r.queued}, dropped ${r.dropped}, achieved ${r.rps.toFixed(1)}/s, validity ${r.validity}`,
  );
  console.log(
    `  closed, 100 users for 20 s:             p50 ${k.p50} ms, p90 ${k.p90} ms, p99 ${k.p99} ms, max ${k.max} ms (${closed.requests} requests)`,
  );
}

if (enabled('memory')) {
  const t = await nodeTarget();
  const short = validateLoad([t.url, '-R', '2000', '-d', '10s']);
  const long = validateLoad([t.url, '-R', '2000', '-d', '40s']);
  t.proc.kill();
  console.log('memory: peak RSS of the generator, 2,000 req/s open model');
  console.log(
    `  10 s run: ${short.generator.maxRssMb.toFixed(1)} MiB (${short.requests} requests); 40 s run: ${long.generator.maxRssMb.toFixed(1)} MiB (${long.requests} requests)`,
  );
  console.log(`  ratio 40 s / 10 s: ${(long.generator.maxRssMb / short.generator.maxRssMb).toFixed(3)} (bar: within 10%)`);
}

/**
 * The open model's cost against wrk2's at the same rate: CPU per second of load, start-up and shut-down
 * left out by taking the difference between a 10 s and a 2 s run of each tool. wrk2 is not packaged: give
 * its binary as WRK2=/path/to/wrk (built from its repository beside the project, never committed).
 */
function rateCost(url: string, rate: number): void {
  const ours = (s: number) => timedCpu(process.execPath, [BIN, 'load', url, '-R', String(rate), '-d', `${s}s`, '-q']).cpuS;
  const wrk2 = process.env.WRK2 ?? (spawnSync('sh', ['-c', 'command -v wrk2']).stdout?.toString().trim() || undefined);
  const theirs = (s: number) => timedCpu(wrk2!, ['-t1', '-c10', `-d${s}s`, `-R${rate}`, url]).cpuS;
  const per = (f: (s: number) => number) => median([0, 1, 2].map(() => (f(10) - f(2)) / 8));
  const floor = (s: number) =>
    Number(execFileSync(process.execPath, [join(ROOT, 'bench/node-floor.mjs'), url, String(rate), String(s)], { encoding: 'utf8' }));
  const v = per(ours);
  const f = per(floor);
  console.log(`open model at ${rate}/s, CPU per second of load (10 s run minus 2 s run, medians of 3):`);
  console.log(`  validate load -R ${rate}: ${(v * 100).toFixed(1)}% of a core, ${((v / rate) * 1e6).toFixed(1)} µs/request`);
  console.log(
    `  Node's floor (bench/node-floor.mjs: sockets and timers, nothing else): ${(f * 100).toFixed(1)}% of a core; validate/floor ${(v / f).toFixed(2)}`,
  );
  if (!wrk2) return console.log('  (wrk2: give WRK2=/path/to/wrk2 for the comparison)');
  const w = per(theirs);
  console.log(`  wrk2 -t1 -c10 -R${rate}:   ${(w * 100).toFixed(1)}% of a core, ${((w / rate) * 1e6).toFixed(1)} µs/request`);
  console.log(`  ratio validate/wrk2: ${(v / w).toFixed(2)}`);
}

/** Wall time from the command to its exit, for a load of one request: what a user waits before any load. */
function startup(url: string): void {
  const wall = [0, 1, 2, 3, 4].map(() => {
    const t0 = performance.now();
    execFileSync(process.execPath, [BIN, 'load', url, '-c', '1', '-a', '1', '-q'], { stdio: 'ignore' });
    return performance.now() - t0;
  });
  console.log(
    `start-up: validate load of one request, wall ${wall.map((x) => x.toFixed(0)).join(' / ')} ms, median ${median(wall).toFixed(0)} ms`,
  );
}

if (enabled('rate')) {
  const t = (await nginxTarget()) ?? (await nodeTarget());
  rateCost(t.url, 1000);
  startup(t.url);
  t.proc.kill();
}
