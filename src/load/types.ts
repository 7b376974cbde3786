/**
 * The load loops drive connections of any protocol through this one interface, so closed and open
 * models, progress and histograms are written once. Callback-based on purpose: this is the hot path.
 */
export interface LoadConnection {
  /**
   * Sends one request; `done` gets the error or a status (HTTP status, or 0 for protocols without one).
   * `withinMs`: what is left of its timeout after waiting for this connection (the platform's own clients).
   */
  send(done: (err: Error | null, status: number) => void, withinMs?: number): void;
  close(): void;
  /** True while its connection is being set up (connect, TLS): the open loop opens only so many at once. */
  readonly connecting?: boolean;
  /**
   * True once it can carry no more requests (its held socket was closed and it does not reconnect on its
   * own): the open loop then stops handing it requests and opens another connection in its place.
   */
  readonly closed?: boolean;
}

export interface ConnectionFactory {
  open(): LoadConnection;
  /** Is this status a success? (HTTP: the expected status; other protocols: always.) */
  ok(status: number): boolean;
  /** Words a failure of this protocol for a person (its server's own refusals); network causes otherwise. */
  explain?(err: unknown): string;
  /** Waits for what `explain` may still be finding out (is that port TLS?) before causes are worded. */
  settled?(): Promise<void>;
}
