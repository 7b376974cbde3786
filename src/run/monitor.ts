import type { TargetBase } from '../fields/target.js';
import type { ProbeResult } from '../results/result.js';
import { probeKindOrUndefined } from '../probes/registry.js';
import { probeOne } from './probe-one.js';
import { sleep } from '../util/sleep.js';

export interface Availability {
  checks: number;
  passes: number;
  /** Times the target's identity (e.g. a process's pid and start time) changed between checks: restarts. */
  restarts: number;
  identity?: string;
}

/**
 * Repeats every probe while load and fault scenarios run, so each target's availability over the whole
 * run is measured (uptime), and a soak can sample the infrastructure at each window's end.
 */
export class Monitor {
  private readonly stats = new Map<string, Availability>();
  /** Sustained metrics of each target, sampled at every round: [seconds since the first round, value]. */
  private readonly samples = new Map<string, Record<string, [number, number][]>>();
  private t0: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ProbeResult[]> | undefined;
  /** Fault experiments under way: a round that overlaps one is not counted. */
  private holds = 0;
  private epoch = 0;

  constructor(
    private readonly targets: TargetBase[],
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    private readonly signal?: AbortSignal,
  ) {
    for (const t of targets) this.stats.set(t.name, { checks: 0, passes: 0, restarts: 0 });
  }

  /** Counts an earlier round (the probe phase) toward availability. */
  count(results: ProbeResult[]): void {
    this.t0 ??= performance.now();
    const at = Math.round((performance.now() - this.t0) / 100) / 10;
    for (const r of results) {
      const s = this.stats.get(r.name);
      if (!s || r.status === 'skip') continue;
      this.keepSamples(r, at);
      s.checks++;
      if (r.status !== 'fail') s.passes++;
      const identity = typeof r.details.identity === 'string' ? r.details.identity : undefined;
      if (identity) {
        if (s.identity && s.identity !== identity) s.restarts++;
        s.identity = identity;
      }
    }
  }

  private keepSamples(r: ProbeResult, at: number): void {
    const specs = probeKindOrUndefined(r.kind)?.metrics ?? {};
    const kept = this.samples.get(r.name) ?? {};
    for (const m of r.measurements) if (!m.labels && specs[m.metric]?.sustained) (kept[m.metric] ??= []).push([at, m.value]);
    this.samples.set(r.name, kept);
  }

  /** What the rounds saw of each target's sustained metrics (CPU, memory), by target name. */
  sampled(): Map<string, Record<string, [number, number][]>> {
    return this.samples;
  }

  start(): void {
    // A periodic round spreads its probes over a quarter of the interval (at most a second): the whole
    // platform probed in one burst is a burst of connections and work the load under way would feel.
    const spreadMs = Math.min(1000, this.intervalMs / 4);
    const tick = async () => {
      await this.sampleNow(spreadMs);
      if (!this.signal?.aborted) this.timer = setTimeout(tick, this.intervalMs);
    };
    this.timer = setTimeout(tick, this.intervalMs);
  }

  /**
   * A fault experiment starts during the load: what the monitor sees until the returned release is
   * called is not counted against uptime (the experiment judges it), and identities start afresh after
   * it (a deliberate restart is not a restart seen).
   */
  hold(): () => void {
    this.holds++;
    this.epoch++;
    return () => {
      this.holds--;
      this.epoch++;
      for (const s of this.stats.values()) s.identity = undefined;
    };
  }

  /** Probes every target now, or spread over `spreadMs` (or joins a round already under way), and counts the results. */
  sampleNow(spreadMs = 0): Promise<ProbeResult[]> {
    if (!this.running) {
      const epoch = this.epoch;
      const held = this.holds > 0;
      const gap = this.targets.length > 1 ? spreadMs / this.targets.length : 0;
      const one = async (t: TargetBase, i: number) => {
        if (gap) await sleep(i * gap, this.signal);
        return probeOne(t, t.timeout ?? this.timeoutMs, this.signal, { repeat: true });
      };
      this.running = Promise.all(this.targets.map(one)).then((rs) => {
        this.running = undefined;
        if (!this.signal?.aborted && !held && this.holds === 0 && epoch === this.epoch) this.count(rs);
        return rs;
      });
    }
    return this.running;
  }

  async stop(): Promise<Map<string, Availability>> {
    clearTimeout(this.timer);
    await this.running;
    return this.stats;
  }
}
