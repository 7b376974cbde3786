/** What the watchdog needs of a connection. */
export interface Watched {
  readonly busy: boolean;
  readonly sentAt: number;
  expire(): void;
}

/**
 * Request timeouts for all connections of a run from one coarse timer, instead of a socket idle timer
 * re-armed on every read and write: the per-request cost stays off the hot path, and a timeout fires
 * at most a quarter of the timeout late.
 */
export class Watchdog<C extends Watched> {
  private readonly conns = new Set<C>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly timeoutMs: number) {}

  watch(c: C): void {
    this.conns.add(c);
    this.timer ??= setInterval(() => this.check(), Math.max(10, Math.min(250, this.timeoutMs / 4))).unref();
  }

  forget(c: C): void {
    this.conns.delete(c);
    if (this.conns.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private check(): void {
    const now = performance.now();
    for (const c of this.conns) if (c.busy && now - c.sentAt > this.timeoutMs) c.expire();
  }
}
