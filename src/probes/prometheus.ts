import { z } from 'zod';
import { duration, targetBase, name } from '../fields/fields.js';
import type { LabelValues, Measurement, MetricSpec, Unit } from '../results/measurement.js';
import type { RuleCheck } from '../results/result.js';
import type { EvidenceSpec } from '../results/checklist.js';

/** Coverage cannot be measured: every rules_* criterion is NOT RUN, with why. */
const ruleUnmeasured = (why: string) =>
  Object.fromEntries(
    ['rules_required', 'rules_missing', 'rules_unhealthy', 'rules_stale', 'rules_drifted', 'rules_without_series'].map((k) => [k, why]),
  );
import { classifyError, endpointOf } from '../protocols/network-errors.js';
import { readAlerts, type AlertReading } from './prometheus-alerts.js';
import { requiredRulesSchema, RULE_METRICS, ruleCoverage, type RequiredRule } from './prometheus-rules.js';
import { arrayField, labelsOf, NotPrometheusError, prometheusApi, scalarOf, type PrometheusApi } from '../protocols/prometheus-api.js';
import { ANONYMOUS_ACCESS_METRICS, readAnonymousAccess } from './http-access.js';
import { defineProbe, type ProbeContext, type ProbeOutcome } from './types.js';

const UNITS = ['ms', 'seconds', 'percent', 'count', 'bytes', 'per_second', 'number'] as const;

const schema = z.strictObject({
  kind: z.literal('prometheus'),
  ...targetBase(['http', 'https']),
  headers: z.record(z.string(), z.string()).default({}),
  restartWindow: duration
    .default(3_600_000)
    .meta({ description: 'How far back restarts (process_start_time_seconds changes) and up flaps are counted' }),
  tlsVerify: z.boolean().default(true),
  queries: z
    .array(
      z.strictObject({
        name: name.meta({ description: 'Measurement name: prometheus.<target>.<name>' }),
        query: z.string().min(1).meta({ description: 'PromQL returning a scalar or a single series' }),
        unit: z.enum(UNITS).default('number'),
      }),
    )
    .default([]),
  rules: requiredRulesSchema,
});
export type PrometheusTarget = z.output<typeof schema>;

const metrics: Record<string, MetricSpec> = {
  ...ANONYMOUS_ACCESS_METRICS,
  ready: { unit: 'count', aggregate: 'min', label: 'ready' },
  targets_total: { unit: 'count', aggregate: 'sum', label: 'targets' },
  targets_down: { unit: 'count', aggregate: 'sum', label: 'targets down', headline: true },
  // One series per alert, with all its labels: `alerts_firing{alertname="EngineDown",job=~"risk|portfolio"}`.
  alerts_firing: { unit: 'count', aggregate: 'sum', label: 'alerts firing', headline: true, labelled: true, missingIsZero: true },
  alerts_pending: { unit: 'count', aggregate: 'sum', label: 'alerts pending', labelled: true, missingIsZero: true },
  restarts: { unit: 'count', aggregate: 'sum', label: 'restarts', headline: true },
  up_flaps: { unit: 'count', aggregate: 'sum', label: 'up flaps' },
  ...RULE_METRICS,
};

async function run(target: PrometheusTarget, ctx: ProbeContext): Promise<ProbeOutcome> {
  const api = prometheusApi({
    url: target.url,
    headers: target.headers,
    timeoutMs: ctx.timeoutMs,
    tlsVerify: target.tlsVerify,
    signal: ctx.signal,
    stage: ctx.stage,
  });
  const m: Measurement[] = [];
  const warnings: string[] = [];
  try {
    const ready = await api.get('/-/ready');
    m.push({ metric: 'ready', value: ready.status === 200 ? 1 : 0, unit: 'count' });
    if (ready.status !== 200) {
      return {
        status: 'fail',
        latencyMs: ready.totalMs,
        error: `not ready: /-/ready answered HTTP ${ready.status}`,
        details: {},
        measurements: m,
      };
    }
    const targetLabels = await scrapeTargets(api, m, warnings);

    const alerts = await readAlerts(api, targetLabels);
    m.push(...alerts.measurements);
    warnings.push(...alerts.warnings);

    await restartsAndFlaps(api, target, m, warnings);

    const unmeasured: Record<string, string> = {};
    await userQueries(api, target, ctx, { m, warnings, unmeasured });
    const checked = await ruleChecks(api, target, ctx, alerts.rules, { m, warnings, unmeasured });
    const labelValues: LabelValues = { alerts_firing: alerts.universe, alerts_pending: alerts.universe, ...checked.labelValues };
    const rules = checked.rules;
    // Firing alerts are listed with the target each is about (the report shows them); they make a warning, not a failure.
    const firing = alerts.alerts.some((a) => a.state === 'firing');
    const out: ProbeOutcome = {
      status: warnings.length || firing ? 'warn' : 'pass',
      latencyMs: ready.totalMs,
      warnings,
      details: {},
      measurements: m,
      labelValues,
      unmeasured,
      alerts: alerts.alerts,
      rules,
    };
    await readAnonymousAccess(target, '/api/v1/status/buildinfo', ctx, out);
    return out;
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const error = err instanceof NotPrometheusError ? err.message : classifyError(err, endpointOf(target.url, 9090));
    return { status: 'fail', latencyMs: null, error, details: {}, measurements: m };
  }
}

/**
 * The required rules that read a series this Prometheus does not have: such a rule can never fire, so
 * coverage that counts it is coverage on paper only. One query per distinct series (`count(...)`).
 */
async function rulesWithoutSeries(
  api: ReturnType<typeof prometheusApi>,
  required: RequiredRule[],
  ctx: ProbeContext,
): Promise<{ alert: string; series: string }[]> {
  const counts = new Map<string, number | undefined>();
  for (const series of new Set(required.flatMap((r) => r.reads ?? []))) {
    ctx.stage(`checking that ${series} has series`);
    const n = await scalarOf(api, `count(${series}) or vector(0)`).catch((err: Error) => {
      if (err instanceof NotPrometheusError || ctx.signal.aborted) throw err;
      return undefined;
    });
    counts.set(series, typeof n === 'number' ? n : undefined);
  }
  const out: { alert: string; series: string }[] = [];
  for (const r of required) {
    const series = (r.reads ?? []).find((q) => counts.get(q) === 0);
    if (series) out.push({ alert: r.alert, series });
  }
  return out;
}

/** A query named so is the backups line's evidence: the age of the last backup, as its exporter reports it. */
const NAMED_EVIDENCE: Record<string, EvidenceSpec> = {
  backup_age_s: { requirement: 'backups', words: 'last backup', worst: 'max', unit: 's' },
};

export const prometheusProbe = defineProbe<PrometheusTarget>({
  kind: 'prometheus',
  aliases: [],
  schemes: [],
  summary:
    'Prometheus: ready, scrape targets down, firing alerts with their labels, PromQL measurements, required alerting rules loaded and healthy',
  schema,
  metrics,
  // A named query is already PromQL: its alert is the query against the criterion's bound.
  promql: (t, metric) => t.queries.find((q) => q.name === metric)?.query,
  targetMetrics: (t) =>
    Object.fromEntries(
      t.queries.map((q) => [
        q.name,
        { unit: q.unit as Unit, aggregate: 'max' as const, label: q.name, headline: true, evidence: NAMED_EVIDENCE[q.name] },
      ]),
    ),
  namedEvidence: NAMED_EVIDENCE,
  run,
});

type Sink = { m: Measurement[]; warnings: string[]; unmeasured: Record<string, string> };

/** The active scrape targets, and which are down: their labels, for the alerts to name what each is about. */
async function scrapeTargets(api: PrometheusApi, m: Measurement[], warnings: string[]): Promise<Record<string, string>[]> {
  const targets = arrayField<{ health?: string; labels?: unknown }>(
    await api.data('/api/v1/targets?state=active'),
    'activeTargets',
    '/api/v1/targets',
  );
  const down = targets.filter((t) => t.health !== 'up').map((t) => labelsOf(t.labels));
  m.push({ metric: 'targets_total', value: targets.length, unit: 'count' }, { metric: 'targets_down', value: down.length, unit: 'count' });
  if (down.length)
    warnings.push(
      `${down.length} scrape target(s) down: ${down
        .slice(0, 3)
        .map((l) => l.instance ?? l.job)
        .join(', ')}`,
    );
  return targets.map((t) => labelsOf(t.labels));
}

/** Remote restarts: a scraped process's start time changing, and targets going down and up again. */
async function restartsAndFlaps(api: PrometheusApi, target: PrometheusTarget, m: Measurement[], warnings: string[]): Promise<void> {
  const range = `${Math.max(1, Math.round(target.restartWindow / 1000))}s`;
  const restarts = await scalarOf(api, `sum(changes(process_start_time_seconds[${range}])) or vector(0)`);
  const flaps = await scalarOf(api, `sum(changes(up[${range}])) or vector(0)`);
  if (typeof restarts === 'number') m.push({ metric: 'restarts', value: restarts, unit: 'count' });
  if (typeof flaps === 'number') m.push({ metric: 'up_flaps', value: flaps, unit: 'count' });
  if (typeof restarts === 'number' && restarts > 0) warnings.push(`${restarts} process restart(s) in the last ${range}`);
}

/** The config's own queries: each a number, or unmeasured with why (a bad query, a non-number). */
async function userQueries(
  api: PrometheusApi,
  target: PrometheusTarget,
  ctx: ProbeContext,
  { m, warnings, unmeasured }: Sink,
): Promise<void> {
  for (const q of target.queries) {
    const value = await scalarOf(api, q.query).catch((err: Error) => {
      if (err instanceof NotPrometheusError || ctx.signal.aborted) throw err;
      return `failed: ${err.message.replace(/^\/api\/v1\/query: /, '').replace(/^invalid parameter "query": /, '')}`;
    });
    if (typeof value === 'number' && Number.isFinite(value)) m.push({ metric: q.name, value, unit: q.unit as Unit });
    else {
      const why = typeof value === 'string' ? `query "${q.name}" ${value}` : `query "${q.name}" returned a value that is not a number`;
      warnings.push(why);
      unmeasured[q.name] = why;
    }
  }
}

/**
 * The go-live rules `validate alerts` writes: loaded, healthy, evaluated and as written, and each reading a
 * series this Prometheus has. Empty when no rules were asked for: this target could have checked them (the
 * report's monitoring section says how).
 */
async function ruleChecks(
  api: PrometheusApi,
  target: PrometheusTarget,
  ctx: ProbeContext,
  loaded: AlertReading['rules'],
  { m, warnings, unmeasured }: Sink,
): Promise<{ labelValues: LabelValues; rules: RuleCheck[] }> {
  const none = { labelValues: {}, rules: [] };
  if (!target.rules) return none;
  const required = Array.isArray(target.rules) ? target.rules : undefined;
  if (!required) {
    Object.assign(unmeasured, ruleUnmeasured('the rules validate alerts would write are known only from a config (validate run)'));
    return none;
  }
  if (!loaded) {
    Object.assign(unmeasured, ruleUnmeasured('the alerting rules could not be read (/api/v1/rules)'));
    return none;
  }
  const coverage = ruleCoverage(required, loaded);
  m.push(...coverage.measurements);
  warnings.push(...coverage.warnings);
  const unseen = await rulesWithoutSeries(api, required, ctx);
  const rules = coverage.checks.map((c) =>
    c.state === 'loaded' && unseen.some((u) => u.alert === c.alert) ? { ...c, state: 'no series' as const } : c,
  );
  m.push(
    { metric: 'rules_without_series', value: unseen.length, unit: 'count' },
    ...unseen.map((u) => ({ metric: 'rules_without_series', value: 1, unit: 'count' as const, labels: { alertname: u.alert } })),
  );
  for (const u of unseen)
    warnings.push(
      `alerting rule ${u.alert} reads ${u.series}, which has no series in this Prometheus: it cannot fire (is the job named so? are validate's own metrics scraped?)`,
    );
  return { labelValues: coverage.labelValues, rules };
}
