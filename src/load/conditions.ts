import { compare, parseExpression, type Expression } from '../criteria/expression.js';
import type { Measurement, MetricSpec } from '../results/measurement.js';
import type { WindowResult } from './windows.js';

/** What a soak condition can test in each window. */
export const WINDOW_FIELDS: Record<string, (w: WindowResult) => number> = {
  p50_ms: (w) => w.latencyMs.p50,
  p90_ms: (w) => w.latencyMs.p90,
  p99_ms: (w) => w.latencyMs.p99,
  max_ms: (w) => w.latencyMs.max,
  mean_ms: (w) => w.latencyMs.mean,
  error_pct: (w) => w.errorRate,
  rps: (w) => w.rps,
};

export interface Condition {
  name: string;
  /** e.g. `p99_ms > 500`, `error_pct > 1` */
  when: string;
  /** How long the condition must hold, over consecutive windows, to count as sustained. */
  for: number;
}

/** Checks a condition's expression: a window field compared with a plain number. Returns why not, or undefined. */
export function conditionProblem(when: string): string | undefined {
  let e: Expression;
  try {
    e = parseExpression(when);
  } catch (err) {
    return (err as Error).message;
  }
  if (e.left.type !== 'ref' || e.left.path.length !== 1 || !(e.left.path[0] in WINDOW_FIELDS)) {
    return `the left side must be one of ${Object.keys(WINDOW_FIELDS).join(', ')}, e.g. "p99_ms > 500"`;
  }
  if (e.right.type !== 'number' || e.right.unit !== undefined)
    return 'the right side must be a plain number (milliseconds, percent or per second, as the field says)';
  return undefined;
}

/**
 * The reference alerts "response time > 500 ms sustained" and "error rate > 1% over 5 min": for each
 * condition, the longest run of consecutive windows where it held, and whether that run lasted `for`.
 */
export function sustained(conditions: Condition[], windows: WindowResult[]): Measurement[] {
  const out: Measurement[] = [];
  for (const c of conditions) {
    const e = parseExpression(c.when);
    const field = WINDOW_FIELDS[(e.left as { path: string[] }).path[0]];
    const bound = (e.right as { value: number }).value;
    let run = 0;
    let longest = 0;
    for (const w of windows) {
      run = compare(field(w), e.op, bound) ? run + w.durationMs : 0;
      longest = Math.max(longest, run);
    }
    out.push(
      { metric: `${c.name}_longest_ms`, value: longest, unit: 'ms' },
      { metric: `sustained_${c.name}`, value: longest >= c.for ? 1 : 0, unit: 'count' },
    );
  }
  return out;
}

export function conditionMetrics(conditions: Condition[]): Record<string, MetricSpec> {
  return Object.fromEntries(
    conditions.flatMap((c) => [
      [`${c.name}_longest_ms`, { unit: 'ms', aggregate: 'max', label: `longest "${c.when}"` }],
      [`sustained_${c.name}`, { unit: 'count', aggregate: 'sum', label: `"${c.when}" for ${c.for} ms` }],
    ]),
  );
}
