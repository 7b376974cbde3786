/**
 * A message bus as the bus scenario drives it: publish numbered messages on one side, learn of each
 * delivery on the other. Redis pub/sub and Redis streams implement it (and any bus kind can): the
 * schedule, the delivery latency from each message's due time, lost, duplicated and out-of-order counts
 * are written once, in bus-connection.ts.
 */
/** The bus a transport talks to: its URL, and whether its certificate is checked when it speaks TLS. */
export interface BusEndpoint {
  url: string;
  tlsVerify: boolean;
}

export interface BusTransport {
  /** Connects both sides; resolves once the receiving side is subscribed (or its consumer group exists). */
  open(): Promise<void>;
  /** Publishes message `seq` (the payload starts with it); resolves when the bus accepted it. */
  publish(seq: number, payload: string): Promise<void>;
  /** Called for every message received, with the sequence number its payload starts with. */
  onDelivery(receive: (seq: number) => void): void;
  close(): Promise<void>;
  /** The bus's own wording of a failure. */
  explain?(err: unknown): string;
  /** What the run leaves behind, for the report (test entries in a stream that existed before). */
  leftBehind?(): string | undefined;
}

/**
 * `seq:sentAt:` then padding to `size` bytes. The receiver reads the number back; `sentAt` (Unix time in
 * ms, to the microsecond) lets any other subscriber on the machine time the same messages independently.
 */
export function payloadOf(seq: number, size: number): string {
  const head = `${seq}:${(performance.timeOrigin + performance.now()).toFixed(3)}:`;
  return head.length >= size ? head : head + 'x'.repeat(size - head.length);
}

export function seqOf(payload: string | Buffer): number {
  const s = typeof payload === 'string' ? payload : payload.toString('latin1', 0, 24);
  return Number.parseInt(s, 10);
}
