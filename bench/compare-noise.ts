/**
 * Does `validate compare` gate on real change, and only on it? Timings on a shared machine, so printed
 * here rather than asserted in a test.
 *   npm run bench:compare
 * - 10 identical reruns against a target answering in 5 ms: every ordered pair compared (90), regressions counted
 * - the same target slowed to 40 ms: every rerun against every slow run (100), regressions counted
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../test/helpers/cli.js';
import { delayedServer } from '../test/helpers/hostile.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const delay = { ms: 5 };
const server = await delayedServer(delay);
const url = `${server.url}/`;
const dir = mkdtempSync(join(tmpdir(), 'validate-bench-compare-'));

async function runs(prefix: string): Promise<string[]> {
  const files: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const file = join(dir, `${prefix}${i}.json`);
    const r = await runCli(['load', url, '-c', '5', '-d', '2s', '-q', '--out', file]);
    if (r.code !== 0) throw new Error(`load exited ${r.code}: ${r.stderr}`);
    files.push(file);
  }
  return files;
}

async function regressions(pairs: [string, string][]): Promise<number> {
  let n = 0;
  for (const [a, b] of pairs) {
    const r = await runCli(['compare', a, b, '--format', 'json']);
    if (r.code !== 0 && r.code !== 1) throw new Error(`compare exited ${r.code}: ${r.stderr}`);
    if (r.code === 1) n++;
  }
  return n;
}

try {
  const same = await runs('same');
  delay.ms = 40;
  const slow = await runs('slow');
  const samePairs = same.flatMap((a) => same.filter((b) => b !== a).map((b) => [a, b] as [string, string]));
  const slowPairs = same.flatMap((a) => slow.map((b) => [a, b] as [string, string]));
  console.log(
    `identical reruns (5 ms target, ${RUNS} runs, ${samePairs.length} ordered pairs): ${await regressions(samePairs)} regressions`,
  );
  console.log(`5 ms -> 40 ms (${slowPairs.length} pairs): ${await regressions(slowPairs)} regressions`);
} finally {
  await server.close();
}
