import type { Config } from '../config/config.js';
import type { LiveView } from '../load/measure.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import { scenarioKind } from '../scenarios/registry.js';
import { probeKindOrUndefined } from '../probes/registry.js';
import type { Measurement } from '../results/measurement.js';
import type { ProbeResult } from '../results/result.js';
import type { InfraSample } from '../results/window-result.js';
import type { Monitor } from './monitor.js';
import { addSections } from './headlines.js';
import type { Shard } from '../load/shard.js';
import { withFaultsDuring, type DuringFaults } from './faults-during.js';
import type { ScenarioContext } from '../scenarios/types.js';

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
}

/** Scenarios run one after another, never together: each measures the platform alone. */
export async function runScenarios(config: Config, opts: ScenarioRunOptions): Promise<ScenarioResult[]> {
  const targets = new Map(config.targets.map((t) => [t.name, t]));
  const out: ScenarioResult[] = [];
  let startAt = opts.startAt;
  for (const spec of config.scenarios) {
    if (opts.signal?.aborted) break;
    const monitor = opts.monitor;
    const sampleInfra = monitor ? () => monitor.sampleNow().then((rs) => rs.map(infraSample)) : undefined;
    const kind = scenarioKind(spec.kind);
    // The common start is the run's first load: the first measure() that reads it (spreading ctx.load) takes
    // it, and every later one, of this scenario or the next, follows the shard's previous load.
    const load = {
      signal: opts.signal,
      limits: config.generator,
      onStart: opts.onStart,
      shard: opts.shard,
      get startAt() {
        const at = startAt;
        startAt = undefined;
        return at;
      },
    };
    const run = (onTraffic: ScenarioContext['onTraffic']) => kind.run(spec, { targets, signal: opts.signal, load, sampleInfra, onTraffic });
    out.push(...(await withFaultsDuring(spec.name, opts.faults, monitor, run)));
  }
  addSections(out);
  return out;
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
