import type { Delivery } from '../results/scenario-result.js';
import { payloadOf, type BusTransport } from './bus-transport.js';
import type { ConnectionFactory, LoadConnection } from './types.js';
import { TrafficLog, type TrafficWitness } from './traffic-log.js';

/** Delivery counts beyond what the open loop's recorder keeps: the result's own (results/scenario-result.ts). */
export type DeliveryCounts = Delivery;

export type { TrafficWindow, TrafficWitness } from './traffic-log.js';

/** The sequence number of the fence: the marker published after the run's last message. */
const FENCE = -1;

/**
 * The open loop drives a bus through this factory: each "connection" is a handle on the same two bus
 * connections, holding one message until it is delivered (so the loop's in-flight bookkeeping, due-time
 * latency, drain and unanswered-as-failed all apply as they are). A message delivered twice, or before
 * one published earlier, is counted here.
 */
export function busFactory(
  transport: BusTransport,
  size: number,
): { factory: ConnectionFactory; counts(): DeliveryCounts; witness: TrafficWitness; fence(timeoutMs: number): Promise<boolean> } {
  const bus = new BusCounts(transport, size);
  const factory: ConnectionFactory = {
    open: (): LoadConnection => ({
      send: (done) => bus.publish(done),
      close() {
        // The handles share the bus connections, which the scenario closes once.
      },
    }),
    ok: () => true,
    // The open loop's "no answer before the run ended" is, on a bus, a message that never arrived.
    explain: (err) =>
      /^no answer before the run ended/.test((err as Error)?.message ?? '')
        ? 'published, never delivered (lost)'
        : (transport.explain?.(err) ?? String((err as Error)?.message ?? err)),
  };
  return { factory, counts: () => bus.counts(), witness: bus.log, fence: (ms) => bus.fence(ms) };
}

type Done = (err: Error | null, status: number) => void;

/** Each message from its publish to its delivery (or refusal), and what the bus did with them all. */
class BusCounts {
  /** When each message was published, delivered or refused: the faults' windows read it. */
  readonly log = new TrafficLog();
  private readonly waiting = new Map<number, Done>();
  private readonly c = { delivered: 0, publishFailed: 0, duplicated: 0, outOfOrder: 0, maxGapMs: 0 };
  /** Publishes the bus refused (to the publisher): one delivered after all is counted delivered, not duplicated. */
  private readonly refused = new Set<number>();
  private next = 0;
  private highest = -1;
  private lastDeliveryAt = 0;
  private fenced: (() => void) | undefined;

  constructor(
    private readonly transport: BusTransport,
    private readonly size: number,
  ) {
    transport.onDelivery((seq) => this.delivered(seq));
  }

  publish(done: Done): void {
    const seq = this.next++;
    this.waiting.set(seq, done);
    const at = performance.now();
    this.log.onPublish(seq, at);
    this.lastDeliveryAt ||= at;
    this.transport.publish(seq, payloadOf(seq, this.size)).then(
      () => undefined,
      (err: Error) => {
        // Already delivered: the bus took it, only its acknowledgement was lost. Not a failed publish.
        if (!this.waiting.delete(seq)) return;
        this.c.publishFailed++;
        this.refused.add(seq);
        this.log.onRefused(seq);
        done(err, 0);
      },
    );
  }

  /**
   * Publishes a marker after the last message and waits for it: a bus delivers in order on one
   * connection, so what it delivers before the marker (a duplicate of the last message) is counted.
   * False when the marker did not come back in time.
   */
  fence(timeoutMs: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.fenced = () => {
        clearTimeout(timer);
        this.fenced = undefined;
        resolve(true);
      };
      this.transport.publish(FENCE, payloadOf(FENCE, this.size)).catch(() => undefined);
    });
  }

  /** Lost: sent and neither delivered nor refused by the bus (a publish never acknowledged is lost too). */
  counts(): DeliveryCounts {
    const c = this.c;
    return { ...c, published: this.next - c.publishFailed, lost: this.next - c.delivered - c.publishFailed };
  }

  private delivered(seq: number): void {
    const now = performance.now();
    if (seq === FENCE) return this.fenced?.();
    const done = this.waiting.get(seq);
    if (!done && this.refused.delete(seq)) {
      // Refused to the publisher (its acknowledgement lost, as in a server restart), yet the bus had it.
      this.c.publishFailed--;
      this.c.delivered++;
      return;
    }
    if (!done) {
      this.c.duplicated++;
      return;
    }
    this.waiting.delete(seq);
    this.c.delivered++;
    if (seq < this.highest) this.c.outOfOrder++;
    this.highest = Math.max(this.highest, seq);
    if (this.lastDeliveryAt) this.c.maxGapMs = Math.max(this.c.maxGapMs, now - this.lastDeliveryAt);
    this.lastDeliveryAt = now;
    this.log.onDelivery(seq, now);
    done(null, 0);
  }
}
