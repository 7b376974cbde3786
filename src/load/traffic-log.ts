/** Messages published from a moment on (a fault's injection): how many, how many were lost, and the longest silence. */
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
 * when it is over, `read` once the run has drained. Both take the moment they stand for (performance.now()
 * time), which may already be past: the fault runs in another thread, and its word arrives a little later.
 */
export interface TrafficWitness {
  mark(at?: number): number;
  close(id: number, at?: number): void;
  read(id: number): TrafficWindow;
}

interface Mark {
  fromSeq: number;
  toSeq?: number;
  closedAt?: number;
  /** The last delivery seen in the window (the mark itself at first), and the longest stretch without one. */
  lastAt: number;
  longestGap?: number;
}

/** Publish times kept for this many recent messages: enough to place a mark that arrives a second late at 50,000/s. */
const RING = 1 << 16;

/**
 * What happened to every message of a run, by sequence number, in bits (delivered, refused) and a ring of
 * recent publish times: a window opened late still counts every message from its moment on.
 */
export class TrafficLog implements TrafficWitness {
  private readonly publishedAt = new Float64Array(RING);
  /** Recent delivery times, in order, for the stretch a late mark has to look back on. */
  private readonly deliveredAt = new Float64Array(RING);
  private deliveries = 0;
  private delivered: Uint8Array = new Uint8Array(1024);
  private refused: Uint8Array = new Uint8Array(1024);
  private next = 0;
  private lastPublishAt = 0;
  private lastDeliveryAt = 0;
  private readonly marks: Mark[] = [];

  onPublish(seq: number, at: number): void {
    this.publishedAt[seq % RING] = at;
    this.next = seq + 1;
    this.lastPublishAt = at;
  }

  onRefused(seq: number): void {
    this.refused = set(this.refused, seq);
  }

  onDelivery(seq: number, at: number): void {
    this.delivered = set(this.delivered, seq);
    this.lastDeliveryAt = at;
    this.deliveredAt[this.deliveries++ % RING] = at;
    for (const m of this.marks) {
      if (m.closedAt !== undefined) continue;
      m.longestGap = Math.max(m.longestGap ?? 0, at - m.lastAt);
      m.lastAt = at;
    }
  }

  mark(at = performance.now()): number {
    // Deliveries since the moment (the word of the mark came late) are walked, so its gaps are as if it had been there.
    let first = this.deliveries;
    while (first > 0 && this.deliveries - first < RING - 1 && this.deliveredAt[(first - 1) % RING] >= at) first--;
    const m: Mark = { fromSeq: this.seqAt(at), lastAt: at };
    for (let k = first; k < this.deliveries; k++) {
      const t = this.deliveredAt[k % RING];
      m.longestGap = Math.max(m.longestGap ?? 0, t - m.lastAt);
      m.lastAt = t;
    }
    return this.marks.push(m) - 1;
  }

  close(id: number, at = performance.now()): void {
    const m = this.marks[id];
    if (!m || m.closedAt !== undefined) return;
    m.toSeq = this.seqAt(at);
    m.closedAt = at;
    // A stretch still open at the close counts up to it, or to the last publish if the traffic ended first.
    if (m.longestGap !== undefined) m.longestGap = Math.max(m.longestGap, Math.min(at, this.lastPublishAt) - m.lastAt);
  }

  read(id: number): TrafficWindow {
    const m = this.marks[id];
    const to = m.toSeq ?? this.next;
    let delivered = 0;
    let refused = 0;
    for (let seq = m.fromSeq; seq < to; seq++) {
      if (get(this.refused, seq)) refused++;
      else if (get(this.delivered, seq)) delivered++;
    }
    const published = to - m.fromSeq - refused;
    return { published, lost: published - delivered, refused, longestGapMs: m.longestGap ?? null };
  }

  /** The first message published at or after `at` (or the next one, if none was). */
  private seqAt(at: number): number {
    let s = this.next;
    while (s > 0 && this.next - s < RING - 1 && this.publishedAt[(s - 1) % RING] >= at) s--;
    return s;
  }
}

function set(bits: Uint8Array, i: number): Uint8Array {
  let b = bits;
  if (i >> 3 >= b.length) {
    b = new Uint8Array(Math.max(b.length * 2, (i >> 3) + 1));
    b.set(bits);
  }
  b[i >> 3] |= 1 << (i & 7);
  return b;
}

const get = (bits: Uint8Array, i: number) => (i >> 3 < bits.length ? (bits[i >> 3] & (1 << (i & 7))) !== 0 : false);
