import type { Measurement } from '../results/measurement.js';
import { median } from '../util/median.js';
import type { ProbeOutcome } from './types.js';

/** One side of a bus as the probe's round trip uses it: publish a numbered message; hear of each arrival. */
export interface RoundTripBus {
  /** Where the messages go, for the words of a failure. */
  channel: string;
  publish(seq: number): Promise<void> | void;
  /** Registers the receiver; resolves once the subscription is in place on the server. */
  subscribe(arrived: (seq: number) => void): Promise<void>;
}

export interface RoundTripReading {
  measurements: Measurement[];
  warnings: string[];
  /** No round trip because the bus returned none of the messages: the bus's failure (NOT MET). */
  broken: Record<string, string>;
}

/**
 * `samples` messages, each published once the previous one arrived (or the budget ran out), each timed
 * from its publish to its arrival on the subscriber: bus_round_trip_ms (the median), bus_lost,
 * bus_out_of_order. Every bus kind's probe measures its round trip here, so they read alike.
 */
export async function busRoundTrip(bus: RoundTripBus, samples: number, budgetMs: number): Promise<RoundTripReading> {
  const arrivals: { seq: number; at: number }[] = [];
  let wake: (() => void) | undefined;
  await bus.subscribe((seq) => {
    arrivals.push({ seq, at: performance.now() });
    wake?.();
  });
  const deadline = performance.now() + budgetMs;
  const latencies: number[] = [];
  for (let seq = 0; seq < samples && performance.now() < deadline; seq++) {
    const sent = performance.now();
    await bus.publish(seq);
    while (!arrivals.some((a) => a.seq === seq) && performance.now() < deadline) {
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, Math.max(1, deadline - performance.now()));
      });
    }
    const got = arrivals.find((a) => a.seq === seq);
    if (got) latencies.push(got.at - sent);
  }
  const lost = samples - new Set(arrivals.map((a) => a.seq)).size;
  const outOfOrder = arrivals.filter((a, i) => i > 0 && a.seq < arrivals[i - 1].seq).length;
  const out: RoundTripReading = { measurements: [], warnings: [], broken: {} };
  if (latencies.length) out.measurements.push({ metric: 'bus_round_trip_ms', value: median(latencies), unit: 'ms' });
  else out.broken.bus_round_trip_ms = `none of ${samples} messages published on ${bus.channel} came back within ${Math.round(budgetMs)} ms`;
  out.measurements.push(
    { metric: 'bus_lost', value: lost, unit: 'count' },
    { metric: 'bus_out_of_order', value: outOfOrder, unit: 'count' },
  );
  if (lost) out.warnings.push(`pub/sub round trip: ${lost} of ${samples} messages not received`);
  return out;
}

/** A round trip's reading into a probe's outcome: its numbers, its warnings, and what it found broken. */
export function addRoundTrip(out: ProbeOutcome, r: RoundTripReading): void {
  out.measurements.push(...r.measurements);
  if (r.warnings.length) (out.warnings ??= []).push(...r.warnings);
  if (Object.keys(r.broken).length) out.broken = { ...out.broken, ...r.broken };
}
