import { parentPort, workerData } from 'node:worker_threads';
import { parseConfigText } from '../config/load.js';
import { execute } from '../run/execute.js';
import { SECRETS } from '../util/redact.js';
import { loadConfig, type LoadFlags } from './load.js';
import { resolveStartAt } from './shard-flags.js';
import type { WorkerJob } from './workers.js';

/**
 * One shard of `--workers N`, in a worker thread: the same config and the same run as a shard process,
 * its report sent back to the main thread, which merges them. Everything it would say goes through the
 * main thread (which guards the output against secrets).
 */
const job = workerData as WorkerJob;
const abort = new AbortController();
parentPort!.on('message', (m) => {
  if (m === 'abort') abort.abort();
});
const config = job.command === 'load' ? loadConfig(job.url!, job.flags as LoadFlags).config : parseConfigText(job.configText!, job.configFile!, SECRETS);
if (job.timeoutMs !== undefined) config.defaults.timeout = job.timeoutMs;
if (job.concurrency !== undefined) config.defaults.concurrency = job.concurrency;
const report = await execute(config, SECRETS, {
  signal: abort.signal,
  shard: job.shard,
  startAt: resolveStartAt({ startAt: job.startAt }),
  chaos: job.chaos,
  // This worker is the load's own thread already.
  loadThread: false,
  say: (line) => parentPort!.postMessage({ say: line }),
});
parentPort!.postMessage({ report: JSON.stringify(report) });
