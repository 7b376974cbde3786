/**
 * The probe's response time against curl's, on the same nginx: a timing, so a figure here and not an
 * assertion in a test (test/probes/http.test.ts asserts what cannot be noise: warm repeats on one
 * connection, the server's own delay included).
 *   npx tsx bench/probe-vs-curl.ts
 * curl's time_total includes its connect; the probe reports connect apart, so both are printed.
 */
import { execFileSync } from 'node:child_process';
import { probeOne } from '../src/run/probe-one.js';
import { startNginx } from '../test/helpers/services.js';
import { target } from '../test/helpers/targets.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const nginx = await startNginx(`location /health { default_type application/json; return 200 '{"status":"healthy"}'; }`);
try {
  const curl = { total: [] as number[], connect: [] as number[] };
  const probe = { warm: [] as number[], connect: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    const out = execFileSync('curl', ['-s', '-o', '/dev/null', '-w', '%{time_total} %{time_connect}', `${nginx.url}/health`], {
      encoding: 'utf8',
    });
    const [total, connect] = out.split(' ').map((x) => Number(x) * 1000);
    curl.total.push(total);
    curl.connect.push(connect);
    const r = await probeOne(target('engine', { url: nginx.url }), 2000);
    if (r.status !== 'pass') throw new Error(`probe failed: ${r.error}`);
    probe.warm.push(r.latencyMs!);
    probe.connect.push(r.measurements.find((m) => m.metric === 'connect_ms')!.value);
  }
  const f = (x: number) => `${x.toFixed(3)} ms`;
  console.log(`curl  time_total median ${f(median(curl.total))}, time_connect ${f(median(curl.connect))} (n=${RUNS})`);
  console.log(`probe warm latency median ${f(median(probe.warm))}, connect_ms ${f(median(probe.connect))}`);
  console.log(`difference (probe - curl total): ${f(median(probe.warm) - median(curl.total))}`);
} finally {
  await nginx.stop();
}
