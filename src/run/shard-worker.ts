import { setMaxListeners } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';
import { SECRETS, registerSecrets } from '../util/redact.js';
import { execute } from './execute.js';
import type { WorkerJob } from './workers.js';

/**
 * One shard of `--workers N`, in a worker thread: the config the main thread read, its shard of the
 * load, its report sent back to be merged. Everything it would say goes through the main thread (which
 * guards the output against secrets).
 */
const job = workerData as WorkerJob;
const abort = new AbortController();
// Every probe and connection in flight listens to it, as the main thread's own signal (util/interrupt.ts).
setMaxListeners(10_000, abort.signal);
parentPort!.on('message', (m) => {
  if (m === 'abort') abort.abort();
});
// The secrets this thread may meet are the config's: known here too, so its report is scrubbed of them.
registerSecrets(job.config, SECRETS);
const startAt = { perf: Date.parse(job.startAt) - Date.now() + performance.now(), iso: job.startAt };
const report = await execute(job.config, SECRETS, {
  signal: abort.signal,
  shard: job.shard,
  startAt,
  chaos: job.chaos,
  say: (line) => parentPort!.postMessage({ say: line }),
  // This worker is the load's own thread already.
  loadThread: false,
});
parentPort!.postMessage({ report: JSON.stringify(report) });
