/**
 * Figures the tests must not assert (timings on a shared machine are noisy): printed here instead.
 *   npm run bench
 * - the 16-target probe run (9 engines up, 1 down, 4 Redis, PostgreSQL, Prometheus)
 * - the same with a target that accepts and never answers, at a 2 s timeout (bound: timeout + overhead)
 * - the demo, and CLI start-up (`--help`), medians of several runs
 */
import { runCli } from '../test/helpers/cli.js';
import { engineServer, hangingServer } from '../test/helpers/hostile.js';
import { freePort } from '../test/helpers/ports.js';
import { POSTGRES_URL, startPrometheus, startRedis } from '../test/helpers/services.js';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

async function timed(label: string, args: string[], expectCode: number) {
  const walls: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await runCli(args);
    if (r.code !== expectCode) throw new Error(`${label}: exit ${r.code}, expected ${expectCode}\n${r.stderr}`);
    walls.push(r.wallMs);
  }
  console.log(
    `${label.padEnd(58)} median ${median(walls).toFixed(0).padStart(5)} ms  (min ${Math.min(...walls).toFixed(0)}, max ${Math.max(...walls).toFixed(0)}, n=${RUNS})`,
  );
  return median(walls);
}

const engines = await Promise.all(Array.from({ length: 9 }, () => engineServer()));
const primary = await startRedis();
const buses = [
  primary,
  ...(await Promise.all([startRedis({ replicaOf: primary.port }), startRedis({ password: 'bench-pw' }), startRedis()])),
];
const prom = await startPrometheus();
const hanging = await hangingServer();
const down = await freePort();
try {
  const args = [
    'probe',
    ...engines.map((e, i) => `--engine=e${i}=${e.url}`),
    ...buses.map((b, i) => `--redis=bus${i}=${b.url}`),
    `--postgres=db=${POSTGRES_URL}`,
    `--prometheus=prom=${prom.url}`,
    '-q',
  ];
  await timed('16 targets, 1 engine down (exit 1)', [...args, `--engine=down=http://127.0.0.1:${down}`], 1);
  await timed('15 targets, all up (exit 0)', args, 0);
  const hung = await timed(
    '16 targets, 1 never answers, --timeout 2s (exit 1)',
    [...args, `--engine=stuck=${hanging.url}`, '--timeout', '2s'],
    1,
  );
  console.log(`  -> overhead beyond the 2 s timeout: ${(hung - 2000).toFixed(0)} ms (the issue's bound: 1000 ms)`);
  await timed('validate demo (exit 0)', ['demo', '-q'], 0);
  await timed('validate --help (start-up)', ['--help'], 0);
} finally {
  await Promise.all([...engines, hanging].map((s) => s.close()));
  await Promise.all([...buses, prom].map((s) => s.stop()));
}
