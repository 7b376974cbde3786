import type { FaultConfig } from '../faults/experiment.js';
import { trafficMeasurements } from '../faults/fault-metrics.js';
import type { TrafficWindow, TrafficWitness } from '../load/bus-connection.js';
import type { FaultResult } from '../results/fault-result.js';
import type { Monitor } from './monitor.js';
import { throughputDrop } from '../faults/throughput-drop.js';
import type { ScenarioResult } from '../results/scenario-result.js';

/** A scenario's traffic witness as this thread holds it: in the load thread, its reads come back later. */
export type Witness = Omit<TrafficWitness, 'read'> & { read(id: number): TrafficWindow | Promise<TrafficWindow> };

/** Fault experiments injected while a scenario runs (`during`), and where their results go. */
export interface DuringFaults {
  planned(scenario: string): FaultConfig[];
  run(f: FaultConfig, hooks: { onInject(): void; onEnd(): void }): Promise<FaultResult>;
  /** Filled as they finish, by fault name. */
  results: Map<string, FaultResult>;
}

/** What a scenario's run tells the faults planned during it: its traffic's witness, and that its load began. */
export interface TrafficHooks {
  onTraffic: (w: Witness) => void;
  onStarted: () => void;
}

/** What injects the first fault of a scenario by default: a second in, once the traffic is flowing. */
const DEFAULT_AT_MS = 1000;

/**
 * Runs a scenario with its faults injected at their offsets. Each experiment runs as it would alone;
 * meanwhile the monitor does not count what it sees against uptime, and a bus scenario's traffic is
 * marked from the injection to the recovery. Once the scenario has drained, each fault gets what its
 * window of messages went through: how many were lost, and the longest time nothing got through.
 */
export async function withFaultsDuring(
  scenario: string,
  carriesTraffic: boolean,
  faults: DuringFaults | undefined,
  monitor: Monitor | undefined,
  run: (hooks: TrafficHooks) => Promise<ScenarioResult[]>,
): Promise<ScenarioResult[]> {
  const planned = faults?.planned(scenario) ?? [];
  if (!faults || planned.length === 0) return run({ onTraffic: () => undefined, onStarted: () => undefined });
  let witness: Witness | undefined;
  // Offsets count from the traffic's start where the scenario has traffic, else from its load's start (not
  // from now: the load thread may take a while to come up on a busy machine, and the fault would land early).
  let begin: () => void = () => undefined;
  const begun = new Promise<void>((r) => (begin = r));
  const experiments = planned.map((f) =>
    begun.then(
      () =>
        new Promise<{ f: FaultConfig; r: FaultResult; mark?: number }>((resolve, reject) => {
          setTimeout(() => {
            let mark: number | undefined;
            let release: (() => void) | undefined;
            const hooks = {
              onInject: () => {
                release = monitor?.hold();
                mark = witness?.mark();
              },
              onEnd: () => {
                if (mark !== undefined) witness?.close(mark);
              },
            };
            faults.run(f, hooks).then((r) => {
              release?.();
              resolve({ f, r, mark });
            }, reject);
          }, f.at ?? DEFAULT_AT_MS);
        }),
    ),
  );
  const result = await run({
    onTraffic: (w) => {
      witness = w;
      begin();
    },
    onStarted: () => {
      if (!carriesTraffic) begin();
    },
  });
  begin(); // a scenario whose traffic never started: its faults run now, after it, and say so
  for (const { f, r, mark } of await Promise.all(experiments)) {
    await whatWentThrough(r, { scenario, carriesTraffic, witness, mark, result });
    faults.results.set(f.name, r);
  }
  return result;
}

/**
 * What the fault's window went through: a bus scenario's messages (lost, refused, the longest gap) from its
 * witness, or, for load without a witness, how far throughput dropped from the injection to the recovery.
 */
async function whatWentThrough(
  r: FaultResult,
  o: { scenario: string; carriesTraffic: boolean; witness?: Witness; mark?: number; result: ScenarioResult[] },
): Promise<void> {
  if (o.witness && o.mark !== undefined) {
    const t = await o.witness.read(o.mark);
    r.traffic = { scenario: o.scenario, published: t.published, lost: t.lost, refused: t.refused, gapMs: t.longestGapMs };
    const traffic = trafficMeasurements(r.traffic);
    r.measurements.push(...traffic.measurements);
    r.unmeasured = traffic.unmeasured;
  } else if (!o.carriesTraffic) {
    const from = r.injectedAt ? Date.parse(r.injectedAt) : NaN;
    const to = from + (r.recoveryMs ?? r.durationMs);
    const timelines = o.result.flatMap((x) => (x.timeline ? [x.timeline] : []));
    const drop = Number.isFinite(from) ? throughputDrop(timelines, { from, to }) : 'it was not injected';
    if (typeof drop === 'number') r.measurements.push({ metric: 'throughput_drop_pct', value: drop, unit: 'percent' });
    else r.unmeasured = { ...r.unmeasured, throughput_drop_pct: drop };
  } else {
    const why = `injected after the traffic of ${o.scenario} had ended (or never started): nothing of it went through the fault; give it an at: well inside the scenario's duration, and check that the scenario ran`;
    r.unmeasured = Object.fromEntries(Object.keys(trafficMeasurements(undefined).unmeasured).map((k) => [k, why]));
  }
}
