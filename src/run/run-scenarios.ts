import type { Config } from '../config/config.js';
import type { LiveView } from '../load/measure.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import { scenarioKind } from '../scenarios/registry.js';
import { probeKindOrUndefined } from '../probes/registry.js';
import type { Measurement } from '../results/measurement.js';
import type { MeasuredItem, ProbeResult } from '../results/result.js';
import type { InfraSample } from '../results/window-result.js';
import type { Monitor } from './monitor.js';
import { MAX_START_LATE_MS, type Shard } from '../load/shard.js';
import { withFaultsDuring, type DuringFaults, type TrafficHooks } from './faults-during.js';
import type { ScenarioBase } from '../scenarios/types.js';
import { LoadThread } from './load-thread.js';

export interface ScenarioRunOptions {
  signal?: AbortSignal;
  monitor?: Monitor;
  onStart?: (view: LiveView) => void;
  /** With --chaos: the fault experiments to inject while their scenario runs. */
  faults?: DuringFaults;
  /** This process's slice, when the run is one shard of several. */
  shard?: Shard;
  /** When the first scenario starts (performance.now() time), the same for every shard. */
  startAt?: number;
  /** Run the load in a thread of its own (the default); off where the caller is already one (--workers). */
  thread?: boolean;
  /** --chaos: scenarios that change the platform (scaling by a command) may run. */
  chaos?: boolean;
  /** INVALID results measured again, at most this many times each scenario. */
  retries?: number;
  say?: (line: string) => void;
}

/** One scenario's run, wherever the load happens: its results, given how to reach the rest of the run. */
type RunOne = (
  spec: ScenarioBase,
  o: { startAt?: number; sampleInfra?: () => Promise<InfraSample[]> } & TrafficHooks,
) => Promise<ScenarioResult[]>;

/**
 * Scenarios run one after another, never together: each measures the platform alone. The load runs in
 * a thread of its own; a scenario whose result its generator could not vouch for (INVALID) is measured
 * again, up to `retries` times, and its results say so.
 */
export async function runScenarios(config: Config, opts: ScenarioRunOptions): Promise<ScenarioResult[]> {
  const thread =
    opts.thread === false
      ? undefined
      : new LoadThread({ targets: config.targets, limits: config.generator, shard: opts.shard, chaos: opts.chaos }, opts.signal);
  const runOne: RunOne = thread ? inThread(thread, opts) : inThisThread(config, opts);
  // Shards must keep to one schedule: a shard measuring again would load alone, out of step with the others.
  const retries = opts.shard && opts.shard.total > 1 ? 0 : (opts.retries ?? 0);
  const out: ScenarioResult[] = [];
  // The common start is the run's first load; every later one, a scenario's next attempt too, follows the previous.
  let startAt = opts.startAt;
  const takeStart = () => {
    const at = startAt;
    startAt = undefined;
    return at;
  };
  try {
    for (const spec of config.scenarios) {
      if (opts.signal?.aborted) break;
      out.push(...(await attempts(spec, runOne, retries, takeStart, opts)));
    }
  } finally {
    await thread?.close();
  }
  return out;
}

/** One scenario, measured again while its generator could not vouch for it and a retry may repeat it. */
async function attempts(
  spec: Config['scenarios'][number],
  runOne: RunOne,
  retries: number,
  takeStart: () => number | undefined,
  opts: ScenarioRunOptions,
): Promise<ScenarioResult[]> {
  const monitor = opts.monitor;
  const sampleInfra = monitor ? () => monitor.sampleNow().then((rs) => rs.map(infraSample)) : undefined;
  const traffic = scenarioKind(spec.kind).carriesTraffic === true;
  const retried: string[] = [];
  const took: number[] = [];
  let results: ScenarioResult[] = [];
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    const at = takeStart();
    results = await withFaultsDuring(spec.name, traffic, opts.faults, monitor, (hooks) =>
      runOne(spec, { startAt: at, sampleInfra, ...hooks }),
    );
    took.push(results.reduce((n, r) => n + r.requests, 0));
    const doubtful = results.filter(worthAnotherTry);
    if (doubtful.length === 0 || attempt > retries || opts.signal?.aborted || !mayRepeat(spec, doubtful)) break;
    for (const r of doubtful)
      retried.push(
        `attempt ${attempt}: ${r.name} INVALID (${r.invalidReason}); the platform took its ${r.requests.toLocaleString('en-US')} requests`,
      );
    opts.say?.(
      `validate: ${doubtful.map((r) => r.name).join(', ')} INVALID (the generator could not vouch for it); measuring ${spec.name} again (attempt ${attempt + 1} of ${retries + 1})`,
    );
  }
  if (retried.length)
    for (const r of results) Object.assign(r, { attempts: took.length, retried, requestsAllAttempts: took.reduce((a, b) => a + b, 0) });
  return results;
}

/** A load's start, told to the progress lines and to the faults planned during its scenario. */
function announced(opts: ScenarioRunOptions, o: TrafficHooks): (view: LiveView) => void {
  return (view) => {
    opts.onStart?.(view);
    o.onStarted();
  };
}

/** The scenarios' loads run in the load thread, a common start (--start-at) in the thread's own clock. */
function inThread(thread: LoadThread, opts: ScenarioRunOptions): RunOne {
  return (spec, o) =>
    thread.run(spec, {
      startAtUnixMs: o.startAt === undefined ? undefined : o.startAt + performance.timeOrigin,
      onStart: announced(opts, o),
      sampleInfra: o.sampleInfra,
      onTraffic: o.onTraffic,
    });
}

/**
 * Whether measuring a scenario again does no harm: one that changes data (an INCR, an INSERT, a POST) would
 * do it twice behind the user's back, so it is re-run only when its config says `retry: true`; otherwise
 * its INVALID results stand (INCONCLUSIVE), each saying why it was not measured again.
 */
function mayRepeat(spec: ScenarioBase, doubtful: ScenarioResult[]): boolean {
  const writes = scenarioKind(spec.kind).changesData?.(spec) ?? [];
  if (writes.length === 0 || spec.retry === true) return true;
  const why = `not measured again: it changes data (${writes.join(', ')}), and a second run would do it twice; give the scenario retry: true if that does no harm`;
  for (const r of doubtful) r.invalidReason = `${r.invalidReason}; ${why}`;
  return false;
}

/** Measuring again can help a generator that fell behind; not a shard that started late (its start has passed). */
function worthAnotherTry(r: ScenarioResult): boolean {
  return r.validity === 'INVALID' && !(r.startLateMs !== undefined && r.startLateMs > MAX_START_LATE_MS);
}

/** The load in this thread: where the caller is already a thread of its own (a --workers shard). */
function inThisThread(config: Config, opts: ScenarioRunOptions): RunOne {
  const targets = new Map(config.targets.map((t) => [t.name, t]));
  return (spec, o) => {
    let startAt = o.startAt;
    const load = {
      signal: opts.signal,
      limits: config.generator,
      onStart: announced(opts, o),
      shard: opts.shard,
      get startAt() {
        const at = startAt;
        startAt = undefined;
        return at;
      },
    };
    return scenarioKind(spec.kind).run(spec, {
      targets,
      signal: opts.signal,
      load,
      chaos: opts.chaos,
      sampleInfra: o.sampleInfra,
      onTraffic: o.onTraffic,
    });
  };
}

/** Each load result the config plans, as not run because `why` (a phase failed first): its criteria name the cause. */
export function notRunResults(config: Config, why: string): MeasuredItem[] {
  return config.scenarios.flatMap((spec) =>
    scenarioKind(spec.kind)
      .results(spec)
      .map((name) => ({
        family: 'scenario' as const,
        kind: 'scenario',
        name,
        status: 'skip' as const,
        required: true,
        error: `was not run: ${why}`,
        measurements: [],
      })),
  );
}

/** How many load results the config's scenarios will produce (for "3/20" in the progress line). */
export function plannedResults(config: Config): number {
  return config.scenarios.reduce((n, spec) => n + scenarioKind(spec.kind).results(spec).length, 0);
}

/** A target at a soak window's end: only the measurements a person reads per window, to keep reports small. */
function infraSample(r: ProbeResult): InfraSample {
  const metrics = probeKindOrUndefined(r.kind)?.metrics ?? {};
  const measurements: Measurement[] = r.measurements.filter((m) => !m.labels && (metrics[m.metric]?.headline || m.metric === 'latency_ms'));
  return { name: r.name, kind: r.kind, status: r.status, error: r.error, measurements };
}
