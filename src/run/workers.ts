import { Worker } from 'node:worker_threads';
import { entryFile } from '../paths.js';
import type { Config } from '../config/config.js';
import { finishReport } from '../finish/finish-report.js';
import { mergeReports } from '../merge/merge-reports.js';
import type { Report } from '../reports/model.js';
import type { Redactor } from '../util/redact.js';

/** What each worker runs: the one config, its shard of it, the common start; and whether to inject faults. */
export interface WorkerJob {
  config: Config;
  chaos?: boolean;
  shard: { index: number; total: number };
  startAt: string;
}

/** Time for the workers to start and load their modules before the common start. */
const LEAD_MS = 1000;

/**
 * `--workers N`: N shards of the run as worker threads of this process, so one generator uses every core
 * it has: all start at one instant (their schedules are slices of one), and their reports come back to be
 * merged exactly as `validate merge` merges shard files, judged with the config's criteria.
 */
export async function runInWorkers(
  config: Config,
  n: number,
  o: { chaos?: boolean; signal: AbortSignal; say(line: string): void; redactor: Redactor },
): Promise<Report> {
  const startAt = new Date(Date.now() + LEAD_MS + 50 * n).toISOString();
  o.say(`validate: ${n} workers, each a shard of the load, starting together at ${startAt}`);
  const job = (i: number): WorkerJob => ({ config, chaos: o.chaos, shard: { index: i + 1, total: n }, startAt });
  const workers = Array.from({ length: n }, (_, i) => new Worker(entryFile('run/shard-worker'), { workerData: job(i) }));
  const stop = () => workers.forEach((w) => w.postMessage('abort'));
  o.signal.addEventListener('abort', stop, { once: true });
  try {
    const shards = await Promise.all(workers.map((w, i) => reportOf(w, `worker ${i + 1}/${n}`, o.say)));
    const input = mergeReports(shards, { allowPartial: false, config });
    return finishReport(
      {
        ...input,
        notes: (input.notes ?? []).map((x) =>
          x.replace(/^merged from (\d+) of (\d+) shard reports: .*$/, 'the load ran in $1 worker threads, merged'),
        ),
      },
      o.redactor,
    );
  } finally {
    o.signal.removeEventListener('abort', stop);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** A worker's report, once it sends it; what it says meanwhile goes through this thread (which guards the output). */
function reportOf(w: Worker, name: string, say: (line: string) => void): Promise<{ file: string; report: Report }> {
  return new Promise((resolve, reject) => {
    let done = false;
    w.on('message', (m: { say?: string; report?: string }) => {
      if (m.say) say(m.say);
      if (m.report) {
        done = true;
        resolve({ file: name, report: JSON.parse(m.report) });
      }
    });
    w.on('error', reject);
    w.on('exit', (code) => {
      if (!done) reject(new Error(`${name} stopped (exit ${code}) before it sent its report`));
    });
  });
}
