import { Worker } from 'node:worker_threads';
import type { Config } from '../config/config.js';
import { UsageError } from '../errors.js';
import type { Shard } from '../load/shard.js';
import { mergeReports } from '../merge/merge-reports.js';
import { finishReport } from '../finish/finish-report.js';
import { SECRETS } from '../util/redact.js';
import type { Report } from '../reports/model.js';
import { note } from './say.js';

/** What each worker runs: a `run` of a config (its text, read once by the main thread) or a `load` of a URL. */
export interface WorkerJob {
  command: 'run' | 'load';
  url?: string;
  configFile?: string;
  configText?: string;
  flags?: unknown;
  timeoutMs?: number;
  concurrency?: number;
  chaos?: boolean;
  shard: Shard;
  startAt: string;
}

/** Time for the workers to start and load their modules before the common start. */
const LEAD_MS = 1000;

/**
 * `--workers N`: N shards of the run as worker threads of this process, so one generator uses every core
 * it has; all start at one instant (their schedules are slices of one), and their reports come back to
 * be merged exactly as `validate merge` merges shard files.
 */
/** The workers' reports as one: the same merge as `validate merge`, judged with the config's criteria. */
export async function mergedFromWorkers(shards: { file: string; report: Report }[], config: Config): Promise<Report> {
  const input = mergeReports(shards, { allowPartial: false, config });
  return finishReport({ ...input, notes: (input.notes ?? []).map((n) => n.replace(/^merged from (\d+) of (\d+) shard reports: .*$/, 'the load ran in $1 worker threads, merged')) }, SECRETS);
}

/** `--workers` is its own sharding: not with --shard (or a Kubernetes index), and not with --wait. */
export function checkWorkers(workers: number | undefined, other: { shard?: string; wait?: number }): number | undefined {
  if (workers === undefined || workers === 1) return undefined;
  if (other.shard !== undefined || process.env.JOB_COMPLETION_INDEX !== undefined) throw new UsageError('--workers runs the shards itself in this process: give --workers or --shard (or a Kubernetes index), not both');
  if (other.wait !== undefined) throw new UsageError('--wait cannot go with --workers: wait for the targets first (validate probe --wait), then run');
  return workers;
}

export async function runInWorkers(job: Omit<WorkerJob, 'shard' | 'startAt'>, n: number, signal: AbortSignal): Promise<{ file: string; report: Report }[]> {
  const startAt = new Date(Date.now() + LEAD_MS + 50 * n).toISOString();
  note(`validate: ${n} workers, each a shard of the load, starting together at ${startAt}`);
  const workers = Array.from({ length: n }, (_, i) => new Worker(new URL('./shard-worker.js', import.meta.url), { workerData: { ...job, shard: { index: i + 1, total: n }, startAt } }));
  const stop = () => workers.forEach((w) => w.postMessage('abort'));
  signal.addEventListener('abort', stop, { once: true });
  try {
    return await Promise.all(
      workers.map(
        (w, i) =>
          new Promise<{ file: string; report: Report }>((resolve, reject) => {
            let done = false;
            w.on('message', (m: { say?: string; report?: string }) => {
              if (m.say) note(m.say);
              if (m.report) {
                done = true;
                resolve({ file: `worker ${i + 1}/${n}`, report: JSON.parse(m.report) });
              }
            });
            w.on('error', reject);
            w.on('exit', (code) => {
              if (!done) reject(new Error(`worker ${i + 1}/${n} stopped (exit ${code}) before it sent its report`));
            });
          }),
      ),
    );
  } finally {
    signal.removeEventListener('abort', stop);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
