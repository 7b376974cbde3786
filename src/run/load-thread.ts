import { Worker } from 'node:worker_threads';
import { currentBundleEntry, entryFile, FROM_SOURCES } from '../paths.js';
import type { TrafficWindow } from '../load/bus-connection.js';
import type { LiveNumbers, LiveView } from '../load/measure.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import type { InfraSample } from '../results/window-result.js';
import type { ScenarioBase } from '../scenarios/types.js';
import type { Witness } from './faults-during.js';
import type { FromLoad, LoadJob, ToLoad } from './load-messages.js';

/** What one scenario run needs of the main thread while the load thread drives it. */
export interface ThreadRun {
  /** The common start of the load (--start-at), as Unix milliseconds, for the run's first scenario. */
  startAtUnixMs?: number;
  onStart?: (view: LiveView) => void;
  sampleInfra?: () => Promise<InfraSample[]>;
  onTraffic?: (w: Witness) => void;
}

/**
 * The load generator's own thread (load-worker.ts): scenarios run there, one at a time, while this
 * thread keeps the probes, the monitor, fault experiments, progress and (in the demo) the simulated
 * platform. Nothing they do can delay a request's dispatch or the reading of its answer.
 */
export class LoadThread {
  private readonly worker: Worker;
  private current:
    { resolve(r: ScenarioResult[]): void; reject(e: Error): void; run: ThreadRun; live: LiveNumbers & { at: number } } | undefined;
  private readonly reads = new Map<number, (w: TrafficWindow) => void>();
  private nextMark = 0;
  private exited: Error | undefined;

  constructor(job: LoadJob, signal?: AbortSignal) {
    this.worker = spawnWorker(job);
    this.worker.on('message', (m: FromLoad) => this.onMessage(m));
    const gone = (err: Error) => {
      this.exited = err;
      this.current?.reject(err);
      this.current = undefined;
    };
    this.worker.on('error', gone);
    this.worker.on('exit', (code) => gone(new Error(`the load thread stopped (exit ${code})`)));
    const stop = () => this.post({ type: 'abort' });
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });
  }

  /** Runs one scenario in the load thread; its results come back as the kind made them. */
  run(spec: ScenarioBase, run: ThreadRun): Promise<ScenarioResult[]> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      this.current = { resolve, reject, run, live: { requests: 0, errors: 0, elapsedMs: 0, stopped: false, at: performance.now() } };
      this.post({ type: 'run', spec, startAtUnixMs: run.startAtUnixMs, sampling: run.sampleInfra !== undefined });
    });
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private post(m: ToLoad): void {
    if (!this.exited) this.worker.postMessage(m);
  }

  private onMessage(m: FromLoad): void {
    const c = this.current;
    switch (m.type) {
      case 'start':
        if (!c) return;
        c.live = { ...m.live, at: performance.now() };
        c.run.onStart?.({ name: m.name, plannedMs: m.plannedMs, plannedRequests: m.plannedRequests, live: () => liveNow(c.live) });
        return;
      case 'live':
        if (c) c.live = { ...m.live, at: performance.now() };
        return;
      case 'sample':
        void (c?.run.sampleInfra?.() ?? Promise.resolve([])).then((samples) => this.post({ type: 'infra', id: m.id, samples }));
        return;
      case 'traffic':
        c?.run.onTraffic?.(this.witness());
        return;
      case 'read':
        this.reads.get(m.local)?.(m.window);
        this.reads.delete(m.local);
        return;
      case 'done':
        this.current = undefined;
        c?.resolve(m.results);
        return;
      case 'failed':
        this.current = undefined;
        c?.reject(Object.assign(new Error(m.message), { stack: m.stack }));
    }
  }

  /** The scenario's traffic witness, across the threads: marks and closes are sent; a read is asked for and waited on. */
  private witness(): Witness {
    return {
      // The moment travels with the word: the load thread places the mark where the fault really began.
      mark: () => {
        const local = this.nextMark++;
        this.post({ type: 'mark', local, atUnixMs: performance.timeOrigin + performance.now() });
        return local;
      },
      close: (local) => this.post({ type: 'close', local, atUnixMs: performance.timeOrigin + performance.now() }),
      read: (local) =>
        new Promise<TrafficWindow>((resolve) => {
          this.reads.set(local, resolve);
          this.post({ type: 'read', local });
        }),
    };
  }
}

/** The last numbers sent, with the time since: the progress line's clock keeps running between messages. */
function liveNow(l: LiveNumbers & { at: number }): LiveNumbers {
  const { at, ...numbers } = l;
  return numbers.stopped ? numbers : { ...numbers, elapsedMs: numbers.elapsedMs + (performance.now() - at) };
}

let warm: { worker: Worker; gone: boolean } | undefined;

/**
 * Starts the load thread now, before the run knows its job: its modules (every scenario kind) load on the
 * other core while this thread reads the config, which takes a load's start-up from about 0.6 s to ~0.4.
 * The first LoadThread takes it; unused, it never holds the process open.
 */
export function warmLoadThread(): void {
  if (warm || FROM_SOURCES) return;
  const w = { worker: new Worker(entryFile('run/load-worker'), { workerData: null }), gone: false };
  w.worker.unref();
  w.worker.once('exit', () => (w.gone = true));
  w.worker.once('error', () => (w.gone = true));
  warm = w;
}

function spawnWorker(job: LoadJob): Worker {
  const early = warm;
  warm = undefined;
  if (early && !early.gone) {
    early.worker.ref();
    early.worker.postMessage({ type: 'job', job } satisfies ToLoad);
    return early.worker;
  }
  if (FROM_SOURCES) {
    // Run from the TypeScript sources (the tests do): the bundle when it is as new as they are, else the
    // sources themselves through tsx, as they are loaded here.
    const bundled = currentBundleEntry('run/load-worker');
    if (bundled) return new Worker(bundled, { workerData: job });
    const entry = entryFile('run/load-worker').href;
    return new Worker(`import { register } from 'tsx/esm/api'; register(); await import(${JSON.stringify(entry)});`, {
      eval: true,
      workerData: job,
    });
  }
  return new Worker(entryFile('run/load-worker'), { workerData: job });
}
