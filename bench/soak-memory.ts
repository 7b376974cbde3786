/**
 * Memory of a long soak (issue 4): RSS of the validate process every 15 s during a soak, read from /proc.
 *   npm run bench:soak [-- MINUTES]        (default 5)
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const minutes = Number(process.argv[2] ?? 5);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const target = spawn(process.execPath, [join(ROOT, 'bench/target-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<number>((r) => target.stdout!.once('data', (d) => r(Number(String(d)))));
const config = join(tmpdir(), `soak-${process.pid}.yaml`);
writeFileSync(
  config,
  `targets:
  - { name: api, kind: http, url: "http://127.0.0.1:${port}/health" }
  - { name: bus, kind: redis, url: "redis://127.0.0.1:6379" }
monitor: { interval: 10s }
scenarios:
  - name: trading-day
    kind: soak
    rate: 1000
    duration: ${minutes}m
    window: 30s
    mix:
      - { weight: 7, target: api, path: /quotes }
      - { weight: 2, target: api, method: POST, path: /orders, body: { qty: 100 } }
      - { weight: 1, target: api, path: /risk }
`,
);
const run = spawn(process.execPath, [join(ROOT, 'bin/validate'), 'run', '--config', config, '--format', 'json'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let out = '';
run.stdout!.on('data', (d) => (out += d));
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${run.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const samples: [number, number][] = [];
const started = Date.now();
const timer = setInterval(() => {
  try {
    samples.push([(Date.now() - started) / 1000, rss()]);
    console.log(`  t=${samples.at(-1)![0].toFixed(0).padStart(4)} s  RSS ${samples.at(-1)![1].toFixed(1)} MiB`);
  } catch {
    // the process has just exited
  }
}, 15_000);
await new Promise((r) => run.on('close', r));
clearInterval(timer);
target.kill();
const report = JSON.parse(out);
const s = report.scenarios[0];
const m = Object.fromEntries(s.measurements.map((x: { metric: string; value: number }) => [x.metric, x.value]));
const first = samples.slice(0, 2).map((x) => x[1]);
console.log(
  `soak: ${minutes} min at 1,000 req/s, ${s.requests.toLocaleString('en-US')} requests in ${s.windows.length} windows of 30 s, validity ${s.validity}`,
);
console.log(
  `  RSS after the first 30 s: ${Math.max(...first).toFixed(1)} MiB; peak over the run: ${Math.max(...samples.map((x) => x[1])).toFixed(1)} MiB; reported peak (maxRSS): ${s.generator.maxRssMb.toFixed(1)} MiB`,
);
console.log(
  `  p99 drift ${m.p99_drift_pct.toFixed(1)}%, worst window p99 ${m.worst_window_p99_ms} ms, largest throughput drop ${m.max_throughput_drop_pct.toFixed(1)}%`,
);
