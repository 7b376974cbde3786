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
  const waiting = new Map<number, (err: Error | null, status: number) => void>();
  const log = new TrafficLog();
  const c = { delivered: 0, publishFailed: 0, duplicated: 0, outOfOrder: 0, maxGapMs: 0 };
  /** Publishes the bus refused (to the publisher): one delivered after all is counted delivered, not duplicated. */
  const refused = new Set<number>();
  let next = 0;
  let highest = -1;
  let lastDeliveryAt = 0;
  let fenced: (() => void) | undefined;
  transport.onDelivery((seq) => {
    const now = performance.now();
    if (seq === FENCE) return fenced?.();
    const done = waiting.get(seq);
    if (!done && refused.delete(seq)) {
      // Refused to the publisher (its acknowledgement lost, as in a server restart), yet the bus had it.
      c.publishFailed--;
      c.delivered++;
      return;
    }
    if (!done) {
      c.duplicated++;
      return;
    }
    waiting.delete(seq);
    c.delivered++;
    if (seq < highest) c.outOfOrder++;
    highest = Math.max(highest, seq);
    if (lastDeliveryAt) c.maxGapMs = Math.max(c.maxGapMs, now - lastDeliveryAt);
    lastDeliveryAt = now;
    log.onDelivery(seq, now);
    done(null, 0);
  });
  const open = (): LoadConnection => ({
    send(done) {
      const seq = next++;
      waiting.set(seq, done);
      const at = performance.now();
      log.onPublish(seq, at);
      lastDeliveryAt ||= at;
      transport.publish(seq, payloadOf(seq, size)).then(
        () => undefined,
        (err: Error) => {
          // Already delivered: the bus took it, only its acknowledgement was lost. Not a failed publish.
          if (!waiting.delete(seq)) return;
          c.publishFailed++;
          refused.add(seq);
          log.onRefused(seq);
          done(err, 0);
        },
      );
    },
    close() {
      // The handles share the bus connections, which the scenario closes once.
    },
  });
  const factory: ConnectionFactory = {
    open,
    ok: () => true,
    // The open loop's "no answer before the run ended" is, on a bus, a message that never arrived.
    explain: (err) =>
      /^no answer before the run ended/.test((err as Error)?.message ?? '')
        ? 'published, never delivered (lost)'
        : (transport.explain?.(err) ?? String((err as Error)?.message ?? err)),
  };
  /**
   * Publishes a marker after the last message and waits for it: a bus delivers in order on one
   * connection, so what it delivers before the marker (a duplicate of the last message) is counted.
   * False when the marker did not come back in time.
   */
  const fence = (timeoutMs: number) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      fenced = () => {
        clearTimeout(timer);
        fenced = undefined;
        resolve(true);
      };
      transport.publish(FENCE, payloadOf(FENCE, size)).catch(() => undefined);
    });
  // Lost: sent and neither delivered nor refused by the bus (a publish never acknowledged is lost too).
  const witness: TrafficWitness = log;
  return {
    factory,
    counts: () => ({ ...c, published: next - c.publishFailed, lost: next - c.delivered - c.publishFailed }),
    witness,
    fence,
  };
}
