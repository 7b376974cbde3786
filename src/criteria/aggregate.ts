import type { Aggregate } from '../results/measurement.js';
import type { Comparator } from './expression.js';

/**
 * How a metric's values over several members combine, and everything that follows from it, in one place: a
 * new aggregate is a name in `results/measurement.ts` and an entry here (the compiler asks for it), and
 * criteria, their words, their error bars, shard merges and alert rules all read it from here.
 */
export interface AggregateRule {
  /** The members' values as one: the worst latency, the summed counts. */
  combine(values: number[]): number;
  /** A bound with this operator holds for each member alone (a maximum under a ceiling): said "on every", one alert series per member. */
  boundsEach(op: Comparator): boolean;
  /** The combined value's error bar from the members' own: the worst of them, or for a sum their sum. */
  margin(margins: number[]): number;
  /**
   * Whether a value over only some members, already past the bound, is past it whatever the others would
   * add (a maximum only grows as members join): then the measured part proves NOT MET.
   */
  decidedWithout(op: Comparator, value: number, bound: number): boolean;
  /** Read as an average of its members ("on average over engine targets"), not as all of them together. */
  averages?: boolean;
  /** Its PromQL over the members' expressions, where it has one. */
  promql?(exprs: string[]): string;
}

const below = (op: Comparator) => op === '<' || op === '<=';
const above = (op: Comparator) => op === '>' || op === '>=';
const worst = (margins: number[]) => Math.max(0, ...margins);
const total = (exprs: string[]) => exprs.map((e) => `sum(${e})`).join(' + ');

export const AGGREGATES: Record<Aggregate, AggregateRule> = {
  max: {
    combine: (v) => Math.max(...v),
    boundsEach: below,
    margin: worst,
    decidedWithout: (op, value, bound) => below(op) || (op === '==' && value > bound),
  },
  min: {
    combine: (v) => Math.min(...v),
    boundsEach: above,
    margin: worst,
    decidedWithout: (op, value, bound) => above(op) || (op === '==' && value < bound),
  },
  sum: {
    combine: (v) => v.reduce((a, b) => a + b, 0),
    boundsEach: () => false,
    margin: (m) => m.reduce((a, b) => a + b, 0),
    // A sum of counts only grows as members join.
    decidedWithout: (op, value, bound) => value >= 0 && (below(op) || (op === '==' && value > bound)),
    promql: total,
  },
  mean: {
    combine: (v) => v.reduce((a, b) => a + b, 0) / v.length,
    boundsEach: () => false,
    margin: worst,
    decidedWithout: () => false,
    averages: true,
    promql: (exprs) => `(${total(exprs)}) / ${exprs.length}`,
  },
};

/** Combines several values of one metric the way the metric means it: worst latency, summed counts. */
export function aggregate(kind: Aggregate, values: number[]): number {
  return AGGREGATES[kind].combine(values);
}
