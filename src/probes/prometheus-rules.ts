import { z } from 'zod';
import type { LabelValues, Measurement, MetricSpec } from '../results/measurement.js';
import { labelsOf } from '../protocols/prometheus-api.js';
import type { RuleLike } from './prometheus-alerts.js';

/** Rules a Prometheus must have: listed, or `generated` (every rule `validate alerts` writes from this config). */
export const requiredRulesSchema = z
  .union([z.literal('generated'), z.array(z.strictObject({ alert: z.string().min(1), severity: z.string().min(1).optional() }))])
  .optional()
  .meta({ description: 'Alerting rules it must have loaded and be evaluating: a list of {alert, severity}, or generated (what validate alerts writes from this config)' });
export type RequiredRule = { alert: string; severity?: string };

export const RULE_METRICS: Record<string, MetricSpec> = {
  rules_required: { unit: 'count', aggregate: 'sum', label: 'rules required' },
  rules_missing: { unit: 'count', aggregate: 'sum', label: 'rules missing', headline: true, labelled: true, missingIsZero: true },
  rules_unhealthy: { unit: 'count', aggregate: 'sum', label: 'rules unhealthy', headline: true, labelled: true, missingIsZero: true },
  rules_stale: { unit: 'count', aggregate: 'sum', label: 'rules not evaluated lately', labelled: true, missingIsZero: true },
};

/** A rule counts as evaluated lately when its last evaluation is within this many of its group's intervals. */
const STALE_INTERVALS = 3;

/**
 * Monitoring coverage: each required rule is loaded (by name, and severity when given), healthy (it
 * evaluates without error) and evaluated lately. Each failing rule is a series with its `alertname`, so a
 * criterion can ask about one (`prometheus.rules_missing{alertname="EngineDown"} == 0`) or all.
 */
export function ruleCoverage(required: RequiredRule[], rules: RuleLike[], now = Date.now()): { measurements: Measurement[]; warnings: string[]; labelValues: LabelValues } {
  const found = required.map((req) => ({ req, rule: rules.find((r) => r.name === req.alert && (!req.severity || labelsOf(r.labels).severity === req.severity)) }));
  const series = (metric: string, names: string[]): Measurement[] => [
    { metric, value: names.length, unit: 'count' },
    ...names.map((alertname) => ({ metric, value: 1, unit: 'count' as const, labels: { alertname } })),
  ];
  const missing = found.filter((f) => !f.rule).map((f) => f.req.alert);
  const unhealthy = found.filter((f) => f.rule && f.rule.health === 'err');
  const stale = found.filter((f) => f.rule && f.rule.health !== 'err' && !evaluatedLately(f.rule, now));
  const warnings = [
    ...(missing.length ? [`alerting rule(s) not loaded: ${missing.join(', ')}`] : []),
    ...unhealthy.map((f) => `alerting rule ${f.req.alert} fails to evaluate: ${f.rule!.lastError || 'health err'}`),
    ...(stale.length ? [`alerting rule(s) not evaluated lately: ${stale.map((f) => f.req.alert).join(', ')}`] : []),
  ];
  const measurements = [
    { metric: 'rules_required', value: required.length, unit: 'count' as const },
    ...series('rules_missing', missing),
    ...series('rules_unhealthy', unhealthy.map((f) => f.req.alert)),
    ...series('rules_stale', stale.map((f) => f.req.alert)),
  ];
  const universe = { alertname: required.map((r) => r.alert) };
  return { measurements, warnings, labelValues: { rules_missing: universe, rules_unhealthy: universe, rules_stale: universe } };
}

function evaluatedLately(rule: RuleLike, now: number): boolean {
  if (rule.health === 'unknown' || !rule.lastEvaluation) return false;
  const at = Date.parse(rule.lastEvaluation);
  const windowMs = Math.max(60_000, STALE_INTERVALS * (rule.interval ?? 60) * 1000);
  return !Number.isNaN(at) && at > 0 && now - at <= windowMs;
}
