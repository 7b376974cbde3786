import { z } from 'zod';
import type { LabelValues, Measurement, MetricSpec } from '../results/measurement.js';
import { labelsOf } from '../protocols/prometheus-api.js';
import { parseDuration } from '../util/duration.js';
import type { RuleCheck } from '../results/result.js';
import type { RuleLike } from './prometheus-alerts.js';

/** Rules a Prometheus must have: listed, or `generated` (every rule `validate alerts` writes from this config). */
export const requiredRulesSchema = z
  .union([
    z.literal('generated'),
    z.array(
      z.strictObject({
        alert: z.string().min(1),
        severity: z.string().min(1).optional(),
        expr: z
          .string()
          .min(1)
          .optional()
          .meta({ description: 'Its expression, as Prometheus prints it: a loaded rule with another is drifted' }),
        for: z.string().min(1).optional().meta({ description: 'Its for:, e.g. 30s: a loaded rule with another is drifted' }),
      }),
    ),
  ])
  .optional()
  .meta({
    description:
      'Alerting rules it must have loaded and be evaluating: a list of {alert, severity, expr, for}, or generated (what validate alerts writes from this config)',
  });
/** A rule the Prometheus must have: by name (and severity), and when given, by expression and for:; `reads` are the series it needs. */
export type RequiredRule = { alert: string; severity?: string; expr?: string; for?: string; reads?: string[] };

export const RULE_METRICS: Record<string, MetricSpec> = {
  rules_required: { unit: 'count', aggregate: 'sum', label: 'rules required' },
  rules_missing: { unit: 'count', aggregate: 'sum', label: 'rules missing', headline: true, labelled: true, missingIsZero: true },
  rules_unhealthy: { unit: 'count', aggregate: 'sum', label: 'rules unhealthy', headline: true, labelled: true, missingIsZero: true },
  rules_stale: { unit: 'count', aggregate: 'sum', label: 'rules not evaluated lately', labelled: true, missingIsZero: true },
  // Loaded under the right name, but with another expression or for: than the gate's: the two have drifted.
  rules_drifted: { unit: 'count', aggregate: 'sum', label: 'rules drifted', headline: true, labelled: true, missingIsZero: true },
  // Reads series this Prometheus does not have (a job named otherwise, the gate's metrics not scraped): it can never fire.
  rules_without_series: { unit: 'count', aggregate: 'sum', label: 'rules without series', labelled: true, missingIsZero: true },
};

/** A rule counts as evaluated lately when its last evaluation is within this many of its group's intervals. */
const STALE_INTERVALS = 3;

/** The required rules not loaded, failing to evaluate, not evaluated lately, or not as the gate wrote them. */
function classifyRules(required: RequiredRule[], rules: RuleLike[], now: number) {
  const found = required.map((req) => ({
    req,
    rule: rules.find((r) => r.name === req.alert && (!req.severity || labelsOf(r.labels).severity === req.severity)),
  }));
  const missing = found.filter((f) => !f.rule).map((f) => f.req.alert);
  const unhealthy = found.filter((f) => f.rule && f.rule.health === 'err');
  const stale = found.filter((f) => f.rule && f.rule.health !== 'err' && !evaluatedLately(f.rule, now));
  const drifted = found.flatMap((f) => {
    const whys = f.rule ? drift(f.req, f.rule) : [];
    return whys.length ? [{ alert: f.req.alert, why: whys.join('; ') }] : [];
  });
  return { missing, unhealthy, stale, drifted };
}

/**
 * Monitoring coverage: each required rule is loaded (by name, and severity when given), healthy (it
 * evaluates without error) and evaluated lately. Each failing rule is a series with its `alertname`, so a
 * criterion can ask about one (`prometheus.rules_missing{alertname="EngineDown"} == 0`) or all.
 */
export function ruleCoverage(
  required: RequiredRule[],
  rules: RuleLike[],
  now = Date.now(),
): { checks: RuleCheck[]; measurements: Measurement[]; warnings: string[]; labelValues: LabelValues } {
  const { missing, unhealthy, stale, drifted } = classifyRules(required, rules, now);
  const warnings = [
    ...(missing.length ? [`alerting rule(s) not loaded: ${missing.join(', ')}`] : []),
    ...unhealthy.map((f) => `alerting rule ${f.req.alert} fails to evaluate: ${f.rule!.lastError || 'health err'}`),
    ...(stale.length ? [`alerting rule(s) not evaluated lately: ${stale.map((f) => f.req.alert).join(', ')}`] : []),
    ...drifted.map((d) => `alerting rule ${d.alert} is not the gate's: ${d.why}`),
  ];
  const series = (metric: string, names: string[]): Measurement[] => [
    { metric, value: names.length, unit: 'count' },
    ...names.map((alertname) => ({ metric, value: 1, unit: 'count' as const, labels: { alertname } })),
  ];
  const measurements = [
    { metric: 'rules_required', value: required.length, unit: 'count' as const },
    ...series('rules_missing', missing),
    ...series(
      'rules_unhealthy',
      unhealthy.map((f) => f.req.alert),
    ),
    ...series(
      'rules_stale',
      stale.map((f) => f.req.alert),
    ),
    ...series(
      'rules_drifted',
      drifted.map((d) => d.alert),
    ),
  ];
  const universe = { alertname: required.map((r) => r.alert) };
  const stateOf = (alert: string): RuleCheck['state'] =>
    missing.includes(alert)
      ? 'missing'
      : unhealthy.some((f) => f.req.alert === alert)
        ? 'unhealthy'
        : stale.some((f) => f.req.alert === alert)
          ? 'stale'
          : drifted.some((d) => d.alert === alert)
            ? 'drifted'
            : 'loaded';
  return {
    checks: required.map((r) => ({ alert: r.alert, severity: r.severity, expr: r.expr, for: r.for, state: stateOf(r.alert) })),
    measurements,
    warnings,
    labelValues: {
      rules_missing: universe,
      rules_unhealthy: universe,
      rules_stale: universe,
      rules_drifted: universe,
      rules_without_series: universe,
    },
  };
}

/**
 * How a loaded rule differs from the required one: its expression (compared as Prometheus prints it, which
 * is how validate alerts writes it) and its for: (Prometheus reports it in seconds).
 */
function drift(req: RequiredRule, rule: RuleLike): string[] {
  const out: string[] = [];
  if (req.expr !== undefined && rule.query !== undefined && rule.query !== req.expr) {
    const [loaded, gate] = whereTheyDiffer(rule.query, req.expr);
    out.push(`its expression has ${loaded} where the gate's has ${gate}`);
  }
  if (req.for !== undefined) {
    const want = parseDuration(req.for);
    if (want !== undefined && rule.duration !== undefined && Math.round(rule.duration * 1000) !== want)
      out.push(`its for: is ${rule.duration}s, the gate's ${req.for}`);
  } else if (req.expr !== undefined && rule.duration) out.push(`its for: is ${rule.duration}s, the gate's none`);
  return out;
}

/** Two long expressions shown where they part: a little of what they share, then each one's own next characters. */
function whereTheyDiffer(a: string, b: string): [string, string] {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 16);
  const show = (x: string) => `\`${from > 0 ? '...' : ''}${x.slice(from, i + 24)}${x.length > i + 24 ? '...' : ''}\``;
  return [show(a), show(b)];
}

function evaluatedLately(rule: RuleLike, now: number): boolean {
  if (rule.health === 'unknown' || !rule.lastEvaluation) return false;
  const at = Date.parse(rule.lastEvaluation);
  const windowMs = Math.max(60_000, STALE_INTERVALS * (rule.interval ?? 60) * 1000);
  return !Number.isNaN(at) && at > 0 && now - at <= windowMs;
}
