import { setMaxListeners } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';
import type { TrafficWitness } from '../load/bus-connection.js';
import type { LiveView } from '../load/measure.js';
import type { InfraSample } from '../results/window-result.js';
import { scenarioKind } from '../scenarios/registry.js';
import type { FromLoad, LoadJob, ToLoad } from './load-messages.js';

/**
 * The load thread: runs the scenarios the main thread hands it, one at a time, so the generator's event
 * loop does nothing else. What a scenario needs of the rest of the run (infrastructure samples for a
 * soak's windows) it asks the main thread for; what the rest needs of it (live numbers for progress, the
 * traffic a fault cuts) it sends. Nothing here writes to stdout or stderr.
 */
// Started early (warmLoadThread), the thread loads its modules first and gets its job by message.
let job = (workerData ?? undefined) as LoadJob | undefined;
const port = parentPort!;
const post = (m: FromLoad) => port.postMessage(m);
let targets = new Map((job?.targets ?? []).map((t) => [t.name, t]));
const abort = new AbortController();
// Every connection and loop of a run listens on this one signal: many listeners is the design, not a leak.
setMaxListeners(10_000, abort.signal);
const samples = new Map<number, (s: InfraSample[]) => void>();
let nextSample = 0;
let witness: TrafficWitness | undefined;
const marks = new Map<number, number>();
/** How often live numbers are sent for the progress line. */
const LIVE_MS = 250;

port.on('message', (m: ToLoad) => {
  switch (m.type) {
    case 'job':
      job = m.job;
      targets = new Map(job.targets.map((t) => [t.name, t]));
      break;
    case 'run':
      void run(m);
      break;
    case 'abort':
      abort.abort(new Error('interrupted'));
      break;
    case 'infra':
      samples.get(m.id)?.(m.samples);
      samples.delete(m.id);
      break;
    case 'mark':
      if (witness) marks.set(m.local, witness.mark(m.atUnixMs - performance.timeOrigin));
      break;
    case 'close':
      if (witness && marks.has(m.local)) witness.close(marks.get(m.local)!, m.atUnixMs - performance.timeOrigin);
      break;
    case 'read':
      if (witness && marks.has(m.local)) post({ type: 'read', local: m.local, window: witness.read(marks.get(m.local)!) });
      break;
  }
});

async function run(m: Extract<ToLoad, { type: 'run' }>): Promise<void> {
  witness = undefined;
  marks.clear();
  let startAt = m.startAtUnixMs === undefined ? undefined : m.startAtUnixMs - performance.timeOrigin;
  let live: NodeJS.Timeout | undefined;
  const load = {
    signal: abort.signal,
    limits: job!.limits,
    shard: job!.shard,
    onStart: (view: LiveView) => {
      clearInterval(live);
      post({ type: 'start', name: view.name, plannedMs: view.plannedMs, plannedRequests: view.plannedRequests, live: view.live() });
      live = setInterval(() => post({ type: 'live', live: view.live() }), LIVE_MS);
      live.unref();
    },
    // Only the scenario's first load starts at the common start; any later one follows it.
    get startAt() {
      const at = startAt;
      startAt = undefined;
      return at;
    },
  };
  const sampleInfra = m.sampling
    ? () =>
        new Promise<InfraSample[]>((resolve) => {
          const id = nextSample++;
          samples.set(id, resolve);
          post({ type: 'sample', id });
        })
    : undefined;
  try {
    const results = await scenarioKind(m.spec.kind).run(m.spec, {
      targets,
      signal: abort.signal,
      chaos: job!.chaos,
      load,
      sampleInfra,
      onTraffic: (w) => {
        witness = w;
        post({ type: 'traffic' });
      },
    });
    clearInterval(live);
    post({ type: 'done', results });
  } catch (err) {
    clearInterval(live);
    post({ type: 'failed', message: (err as Error).message ?? String(err), stack: (err as Error).stack });
  }
}
