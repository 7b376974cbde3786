import type { Aggregate } from '../results/measurement.js';

/** Combines several values of one metric the way the metric means it: worst latency, summed counts. */
export function aggregate(kind: Aggregate, values: number[]): number {
  switch (kind) {
    case 'max':
      return Math.max(...values);
    case 'min':
      return Math.min(...values);
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'mean':
      return values.reduce((a, b) => a + b, 0) / values.length;
  }
}
