/**
 * A bus scenario's latency against an independent subscriber's: the same messages, timed in two
 * processes from the send. A timing, so a figure here; the tests (test/load/bus.test.ts,
 * nats-bus.test.ts) assert the counts, which cannot be noise.
 *   npx tsx bench/bus-latency.ts
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../test/helpers/cli.js';
import { independent } from '../test/helpers/independent-subscriber.js';
import { startNats } from '../test/helpers/nats-server.js';
import { startRedis } from '../test/helpers/services.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'validate-bench-bus-'));

async function measure(kind: 'redis' | 'nats', url: string, channel: string) {
  const file = join(dir, `${kind}.yaml`);
  writeFileSync(
    file,
    `targets:\n  - { name: bus, kind: ${kind}, url: "${url}" }\nscenarios:\n  - { name: quotes, kind: bus, target: bus, channel: "${channel}", rate: 5000, duration: 2s, timeout: 2s }\n`,
  );
  for (let i = 0; i < RUNS; i++) {
    const sub = await independent(url, channel);
    const r = await runCli(['run', file, '--format', 'json', '--retries', '0']);
    const seen = await sub.end();
    const [s] = JSON.parse(r.stdout).scenarios;
    const p50 = s.uncorrectedLatencyMs.p50;
    console.log(
      `${kind.padEnd(5)} 5,000/s: validate p50 ${p50.toFixed(3)} ms, independent subscriber p50 ${seen.p50.toFixed(3)} ms, difference ${(p50 - seen.p50).toFixed(3)} ms (${s.validity})`,
    );
  }
}

const redis = await startRedis();
const nats = await startNats();
try {
  await measure('redis', redis.url, 'md:quotes');
  await measure('nats', nats.url, 'md.quotes');
} finally {
  await redis.stop();
  await nats.stop();
}
