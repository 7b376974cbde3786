import type { Measurement } from '../results/measurement.js';
import type { AlertSeen } from '../results/result.js';
import { arrayField, labelsOf, type PrometheusApi } from '../protocols/prometheus-api.js';

export interface AlertReading {
  measurements: Measurement[];
  /** The alerting rules as the API lists them (with their group's interval), when they could be read. */
  rules?: RuleLike[];
  /** Every value each alert label can take: the rules' names and labels, the scrape targets' job and instance. */
  universe: Record<string, string[]>;
  alerts: AlertSeen[];
  warnings: string[];
}

export interface RuleLike {
  type?: string;
  name?: string;
  labels?: unknown;
  health?: string;
  lastError?: string;
  lastEvaluation?: string;
  /** Seconds between evaluations of the rule's group. */
  interval?: number;
  /** Its expression, as Prometheus prints it. */
  query?: string;
  /** Its for:, in seconds. */
  duration?: number;
}

/**
 * Firing and pending alerts as labelled series (one per alert, value 1), so a criterion can select them
 * by any label with PromQL matchers. What the selectors are checked against comes from the alerting
 * rules (a label or value no rule carries can never fire) and from the scrape targets (the job and
 * instance labels every scraped series has).
 */
export async function readAlerts(api: PrometheusApi, targetLabels: Record<string, string>[]): Promise<AlertReading> {
  const data = await api.data('/api/v1/alerts');
  const active = arrayField<{ state?: string; labels?: unknown; activeAt?: string }>(data, 'alerts', '/api/v1/alerts');
  const alerts: AlertSeen[] = active
    .map((a) => ({ ...a, state: stateOf(a.state) }))
    .filter((a): a is typeof a & { state: AlertSeen['state'] } => a.state !== undefined)
    .map((a) => {
      const labels = labelsOf(a.labels);
      return { name: labels.alertname ?? '(unnamed)', state: a.state, severity: labels.severity, labels, activeAt: a.activeAt };
    });
  const m: Measurement[] = [];
  for (const state of ['firing', 'pending'] as const) {
    const metric = `alerts_${state}`;
    const these = alerts.filter((a) => a.state === state);
    m.push({ metric, value: these.length, unit: 'count' });
    for (const a of these) m.push({ metric, labels: a.labels, value: 1, unit: 'count' });
  }

  const universe = new Map<string, Set<string>>();
  const add = (k: string, v: string) => (universe.get(k) ?? universe.set(k, new Set()).get(k)!).add(v);
  for (const t of targetLabels) for (const k of ['job', 'instance']) if (t[k]) add(k, t[k]);
  const warnings: string[] = [];
  let rules: RuleLike[] | undefined;
  try {
    rules = await alertingRules(api);
    for (const rule of rules) {
      if (rule.name) add('alertname', rule.name);
      for (const [k, v] of Object.entries(labelsOf(rule.labels))) add(k, v);
    }
  } catch (err) {
    // Without the rules, a selector on an alert that is not firing cannot be told from a typo: such criteria say NOT RUN.
    warnings.push(`cannot read the alerting rules (${(err as Error).message}); alert selectors are checked against firing alerts only`);
  }
  return { measurements: m, rules, universe: Object.fromEntries([...universe].map(([k, v]) => [k, [...v]])), alerts, warnings };
}

/**
 * Prometheus says firing and pending; Grafana's Prometheus-style endpoint says Alerting and Pending
 * (grafana/grafana#52453), with a reason after some (`Alerting (NoData)`).
 */
function stateOf(state: unknown): AlertSeen['state'] | undefined {
  const s = String(state ?? '').toLowerCase();
  if (s === 'firing' || s.startsWith('alerting')) return 'firing';
  if (s.startsWith('pending')) return 'pending';
  return undefined;
}

async function alertingRules(api: PrometheusApi): Promise<RuleLike[]> {
  const data = await api.data('/api/v1/rules?type=alert');
  const groups = arrayField<{ rules?: unknown; interval?: number }>(data, 'groups', '/api/v1/rules');
  return groups
    .flatMap((g) => (Array.isArray(g.rules) ? (g.rules as RuleLike[]).map((r) => ({ ...r, interval: g.interval })) : []))
    .filter((r) => r.type === undefined || r.type === 'alerting');
}
