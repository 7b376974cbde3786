import type { TargetBase } from '../fields/target.js';

export interface Observation {
  /** When the check started (performance.now()). */
  at: number;
  ok: boolean;
  error?: string;
}

export type LiveCheck = (target: TargetBase) => Promise<{ ok: boolean; error?: string }>;

/**
 * Checks each target every `intervalMs`, on a fixed schedule from `origin`, each on its own: a slow
 * check of one target (a timeout) never delays another's, and a target whose previous check is still
 * running skips that tick rather than queueing. So a recovery is seen within one interval of when it
 * happened, whatever the other checks cost.
 */
export class Watcher {
  private readonly seen = new Map<string, Observation[]>();
  private readonly running = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private tick = 0;
  private stopped = false;

  constructor(
    private readonly targets: TargetBase[],
    private readonly intervalMs: number,
    private readonly check: LiveCheck,
    private readonly origin = performance.now(),
  ) {
    for (const t of targets) this.seen.set(t.name, []);
  }

  start(): void {
    const next = () => {
      if (this.stopped) return;
      const at = performance.now();
      for (const t of this.targets) if (!this.running.has(t.name)) this.launch(t, at);
      this.tick++;
      this.timer = setTimeout(next, Math.max(0, this.origin + this.tick * this.intervalMs - performance.now()));
    };
    next();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.all(this.running.values());
  }

  /** Targets seen failing at least once, with their first error. */
  failed(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [name, obs] of this.seen) {
      const bad = obs.find((o) => !o.ok);
      if (bad) out.set(name, bad.error ?? 'failed');
    }
    return out;
  }

  /**
   * Per target, the start of its final run of passing checks when that run is at least `consecutive`
   * long (recovered, or never disrupted); undefined while some target is not there yet.
   */
  settledSince(consecutive: number): Map<string, { since: number; disrupted: boolean }> | undefined {
    const out = new Map<string, { since: number; disrupted: boolean }>();
    for (const [name, obs] of this.seen) {
      let streak = 0;
      while (streak < obs.length && obs[obs.length - 1 - streak].ok) streak++;
      if (streak < consecutive) return undefined;
      out.set(name, { since: obs[obs.length - streak].at, disrupted: streak < obs.length });
    }
    return out;
  }

  get checks(): number {
    return Math.max(0, ...[...this.seen.values()].map((o) => o.length));
  }

  private launch(t: TargetBase, at: number): void {
    const run = this.check(t)
      .then(
        (r) => {
          this.seen.get(t.name)!.push({ at, ...r });
        },
        (err: Error) => {
          this.seen.get(t.name)!.push({ at, ok: false, error: err.message });
        },
      )
      .finally(() => this.running.delete(t.name));
    this.running.set(t.name, run);
  }
}
