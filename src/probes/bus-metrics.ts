import type { MetricSpec } from '../results/measurement.js';

/**
 * What a message bus is judged on, whatever carries it (Redis, NATS): one vocabulary, so a criterion,
 * the "Message buses" report section (busColumn) and the alert rules read every bus kind alike. A
 * stream's consumer is labelled by its stream and its group (Redis) or consumer (NATS JetStream).
 */
export const BUS_METRICS: Record<string, MetricSpec> = {
  bus_round_trip_ms: { unit: 'ms', aggregate: 'max', label: 'pub/sub round trip', busColumn: 'round_trip' },
  bus_lost: { unit: 'count', aggregate: 'sum', label: 'round-trip messages lost', busColumn: 'lost' },
  bus_out_of_order: { unit: 'count', aggregate: 'sum', label: 'round-trip messages out of order' },
  subscribers: { unit: 'count', aggregate: 'min', label: 'subscribers', labelled: true, busColumn: 'subscribers' },
  stream_lag: { unit: 'count', aggregate: 'max', label: 'stream lag', labelled: true, busColumn: 'lag' },
  stream_pending: { unit: 'count', aggregate: 'max', label: 'pending', labelled: true, busColumn: 'pending' },
};
