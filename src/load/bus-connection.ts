import type { Delivery } from '../results/scenario-result.js';
import { payloadOf, type BusTransport } from './bus-transport.js';
import type { ConnectionFactory, LoadConnection } from './types.js';

/** Delivery counts beyond what the open loop's recorder keeps: the result's own (results/scenario-result.ts). */
export type DeliveryCounts = Delivery;

/** Messages published from a moment on (a fault's injection): how many, how many were lost, and when the first arrived. */
export interface TrafficWindow {
  /** Taken by the bus. */
  published: number;
  /** Taken and never delivered. */
  lost: number;
  /** Refused by the bus (the publish failed): the publisher knows; a service would retry or report them. */
  refused: number;
  /**
   * The longest time without a delivery from the mark to its close while messages were still being
   * published (the interruption as the traffic saw it; the silence after the run's last message is no
   * gap); null when nothing arrived.
   */
  longestGapMs: number | null;
}

/**
 * Watches the traffic of a bus run for a fault experiment: `mark` when the fault is injected, `close`
 * when it is over, `read` once the run has drained.
 */
export interface TrafficWitness {
  mark(): number;
  close(id: number): void;
  read(id: number): TrafficWindow;
}

interface Mark {
  at: number;
  fromSeq: number;
  toSeq?: number;
  closedAt?: number;
  /** The last delivery seen in the window (the mark itself at first), and the longest stretch without one. */
  lastAt: number;
  longestGap?: number;
  delivered: Set<number>;
  refused: number;
}

/** The sequence number of the fence: the marker published after the run's last message. */
const FENCE = -1;

/**
 * The open loop drives a bus through this factory: each "connection" is a handle on the same two bus
 * connections, holding one message until it is delivered (so the loop's in-flight bookkeeping, due-time
 * latency, drain and unanswered-as-failed all apply as they are). A message delivered twice, or before
 * one published earlier, is counted here.
 */
export function busFactory(transport: BusTransport, size: number): { factory: ConnectionFactory; counts(): DeliveryCounts; witness: TrafficWitness; fence(timeoutMs: number): Promise<boolean> } {
  const waiting = new Map<number, (err: Error | null, status: number) => void>();
  const marks: Mark[] = [];
  const c = { delivered: 0, publishFailed: 0, duplicated: 0, outOfOrder: 0, maxGapMs: 0 };
  let next = 0;
  let highest = -1;
  let lastDeliveryAt = 0;
  let lastPublishAt = 0;
  let fenced: (() => void) | undefined;
  transport.onDelivery((seq) => {
    const now = performance.now();
    if (seq === FENCE) return fenced?.();
    const done = waiting.get(seq);
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
    for (const m of marks) {
      if (m.closedAt === undefined) {
        m.longestGap = Math.max(m.longestGap ?? 0, now - m.lastAt);
        m.lastAt = now;
      }
      if (seq >= m.fromSeq && (m.toSeq === undefined || seq < m.toSeq)) m.delivered.add(seq);
    }
    done(null, 0);
  });
  const open = (): LoadConnection => ({
    send(done) {
      const seq = next++;
      waiting.set(seq, done);
      lastPublishAt = performance.now();
      lastDeliveryAt ||= lastPublishAt;
      transport.publish(seq, payloadOf(seq, size)).then(
        () => undefined,
        (err: Error) => {
          c.publishFailed++;
          for (const m of marks) if (seq >= m.fromSeq && (m.toSeq === undefined || seq < m.toSeq)) m.refused++;
          if (waiting.delete(seq)) done(err, 0);
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
    explain: (err) => (/^no answer before the run ended/.test((err as Error)?.message ?? '') ? 'published, never delivered (lost)' : transport.explain?.(err) ?? String((err as Error)?.message ?? err)),
  };
  const witness: TrafficWitness = {
    mark: () => {
      const at = performance.now();
      return marks.push({ at, lastAt: at, fromSeq: next, delivered: new Set(), refused: 0 }) - 1;
    },
    close(id) {
      const m = marks[id];
      if (m.closedAt !== undefined) return;
      m.toSeq = next;
      m.closedAt = performance.now();
      // A stretch still open at the close counts up to it, or to the last publish if the traffic ended first.
      if (m.longestGap !== undefined) m.longestGap = Math.max(m.longestGap, Math.min(m.closedAt, lastPublishAt) - m.lastAt);
    },
    read(id) {
      const m = marks[id];
      const published = (m.toSeq ?? next) - m.fromSeq - m.refused;
      return { published, lost: published - m.delivered.size, refused: m.refused, longestGapMs: m.longestGap ?? null };
    },
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
  return { factory, counts: () => ({ ...c, published: next - c.publishFailed, lost: next - c.delivered - c.publishFailed }), witness, fence };
}
