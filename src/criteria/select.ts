import type { MetricSpec } from '../results/measurement.js';
import type { MeasuredItem } from '../results/result.js';
import { didYouMean } from '../util/suggest.js';
import { aggregate } from './aggregate.js';
import { matches, type LabelMatcher } from './expression.js';

/**
 * Why a reference has no value. When what it reads failed (a target down, a fault that did not take
 * effect) the criterion is NOT MET; when nothing was measured (no samples, a selector that matches
 * nothing, a metric the target could not measure) it is NOT RUN. Both block a critical criterion.
 */
export interface Missing {
  missing: string;
  /** What it reads failed (a target down): NOT MET. */
  failed?: boolean;
  /** Not measured because the platform failed before it (an earlier phase): NOT RUN, and it blocks. */
  blocked?: boolean;
}

/**
 * Reads a labelled metric of one item through PromQL-style matchers. The item's label universe (every
 * value each label can take, e.g. every alerting rule) decides whether the selector could ever match:
 * a label nothing carries, or a value no series can have, is a selector that measures nothing (NOT RUN),
 * never a zero.
 */
export function selectSeries(item: MeasuredItem, metric: string, matchers: LabelMatcher[], spec: MetricSpec): number | Missing {
  const series = item.measurements.filter((m) => m.metric === metric && m.labels);
  const universe = labelUniverse(
    series.map((s) => s.labels!),
    item.labelValues?.[metric],
  );
  for (const m of matchers) {
    const values = universe.get(m.name);
    if (!values) {
      const names = [...universe.keys()].sort();
      return {
        missing: `no ${metric} series of ${item.name} carries the label "${m.name}"${didYouMean(m.name, names)}; its labels are: ${names.join(', ') || 'none'}`,
      };
    }
    if ((m.op === '=' || m.op === '=~') && ![...values].some((v) => matches(m, v))) {
      const known = [...values].sort();
      const hint = m.op === '=' ? didYouMean(m.value, known) : '';
      return {
        missing: `no ${metric} series of ${item.name} can have ${m.name}${m.op}"${m.value}"${hint}; ${m.name} is one of: ${shortList(known)}`,
      };
    }
  }
  const picked = series.filter((s) => matchers.every((m) => matches(m, s.labels![m.name])));
  if (picked.length === 0) {
    return spec.missingIsZero ? 0 : { missing: `no ${metric} series of ${item.name} matched ${selectorText(matchers)}` };
  }
  return aggregate(
    spec.aggregate,
    picked.map((s) => s.value),
  );
}

function labelUniverse(seen: Record<string, string>[], declared: Record<string, string[]> | undefined): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (name: string, value: string) => {
    if (!out.has(name)) out.set(name, new Set());
    out.get(name)!.add(value);
  };
  for (const [name, values] of Object.entries(declared ?? {})) {
    if (!out.has(name)) out.set(name, new Set());
    for (const v of values) add(name, v);
  }
  for (const labels of seen) for (const [k, v] of Object.entries(labels)) add(k, v);
  return out;
}

export function selectorText(matchers: LabelMatcher[]): string {
  return `{${matchers.map((m) => `${m.name}${m.op}"${m.value}"`).join(',')}}`;
}

function shortList(values: string[]): string {
  return values.length <= 12 ? values.join(', ') : `${values.slice(0, 12).join(', ')} and ${values.length - 12} more`;
}
