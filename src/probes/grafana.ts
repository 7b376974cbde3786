import { z } from 'zod';
import { targetBase } from '../fields/fields.js';
import { fetchCapped, jsonOf, withUrlCredentials } from '../protocols/http/fetch.js';
import { classifyError, endpointOf } from '../protocols/network-errors.js';
import { NotPrometheusError, prometheusApi } from '../protocols/prometheus-api.js';
import type { LabelValues, Measurement, MetricSpec } from '../results/measurement.js';
import type { AlertSeen } from '../results/result.js';
import { readAlerts } from './prometheus-alerts.js';
import { ANONYMOUS_ACCESS_METRICS, readAnonymousAccess } from './http-access.js';
import { defineProbe, type ProbeContext, type ProbeOutcome } from './types.js';

const schema = z.strictObject({
  kind: z.literal('grafana'),
  ...targetBase(['http', 'https']),
  token: z.string().min(1).optional().meta({ description: 'A service-account token: needed for datasources, dashboards and alerts' }),
  datasources: z
    .union([z.literal('all'), z.array(z.string().min(1))])
    .default('all')
    .meta({ description: 'Datasource UIDs whose health is checked, or all (with a token)' }),
  dashboards: z.array(z.string().min(1)).default([]).meta({ description: 'Dashboard UIDs that must exist' }),
  alerts: z.boolean().default(true).meta({ description: 'With a token: read Grafana-managed alerts' }),
  headers: z.record(z.string(), z.string()).default({}),
  tlsVerify: z.boolean().default(true),
});
export type GrafanaTarget = z.output<typeof schema>;

const metrics: Record<string, MetricSpec> = {
  ...ANONYMOUS_ACCESS_METRICS,
  database_ok: { unit: 'count', aggregate: 'min', label: 'database ok' },
  datasources_total: { unit: 'count', aggregate: 'sum', label: 'datasources' },
  datasources_unhealthy: { unit: 'count', aggregate: 'sum', label: 'datasources unhealthy', headline: true },
  datasource_up: { unit: 'count', aggregate: 'min', label: 'datasource up', labelled: true },
  dashboards_missing: { unit: 'count', aggregate: 'sum', label: 'dashboards missing', headline: true },
  alerts_firing: { unit: 'count', aggregate: 'sum', label: 'alerts firing', headline: true, labelled: true, missingIsZero: true },
  alerts_pending: { unit: 'count', aggregate: 'sum', label: 'alerts pending', labelled: true, missingIsZero: true },
};

type Get = (path: string) => Promise<{ status: number; json: unknown; totalMs: number }>;

/**
 * Grafana through its documented HTTP API: `/api/health` (the database, the version); with a token,
 * each datasource's health (`/api/datasources/uid/:uid/health`), dashboards present by UID, and
 * Grafana-managed alerts (`/api/prometheus/grafana/api/v1/alerts` and `/rules`) by any label.
 */
async function run(target: GrafanaTarget, ctx: ProbeContext): Promise<ProbeOutcome> {
  const root = new URL(target.url);
  const headers = { ...withUrlCredentials(root, target.headers), ...(target.token && { authorization: `Bearer ${target.token}` }) };
  root.username = root.password = '';
  const base = root.toString().replace(/\/$/, '');
  const get: Get = async (path) => {
    const res = await fetchCapped({
      url: base + path,
      method: 'GET',
      headers,
      maxBodyBytes: 4 * 1024 * 1024,
      timeoutMs: ctx.timeoutMs,
      tlsVerify: target.tlsVerify,
      signal: ctx.signal,
      stage: (s) => ctx.stage(`${path}: ${s}`),
    });
    return { status: res.status, json: jsonOf(res.body), totalMs: res.totalMs };
  };
  const m: Measurement[] = [];
  try {
    const health = await get('/api/health');
    const h = health.json as { database?: unknown; version?: unknown; commit?: unknown } | undefined;
    if (!h || typeof h !== 'object' || !('database' in h))
      return fail(`not Grafana: /api/health answered HTTP ${health.status} without a "database" field`, m);
    m.push({ metric: 'database_ok', value: h.database === 'ok' ? 1 : 0, unit: 'count' });
    const details = { version: typeof h.version === 'string' ? h.version : null };
    if (health.status !== 200 || h.database !== 'ok')
      return {
        ...fail(`Grafana is not healthy: /api/health answered HTTP ${health.status}, database "${String(h.database)}"`, m),
        details,
      };
    if (ctx.liveness) return { status: 'pass', latencyMs: health.totalMs, details, measurements: m };
    const access: ProbeOutcome = { status: 'pass', latencyMs: health.totalMs, details, measurements: m };
    // /api/health answers everyone; a search is what anonymous access (auth.anonymous) opens or not.
    await readAnonymousAccess(target, '/api/search?limit=1', ctx, access);
    if (!target.token) return access;
    const warnings: string[] = [];
    const labelValues: LabelValues = {};
    await datasources(target, get, m, warnings, labelValues);
    await dashboards(target, get, m, warnings);
    const alerts = target.alerts ? await grafanaAlerts({ target, ctx, base, headers }, m, warnings, labelValues) : [];
    const firing = alerts.some((a) => a.state === 'firing');
    return {
      status: warnings.length || firing ? 'warn' : 'pass',
      latencyMs: health.totalMs,
      details,
      warnings,
      measurements: m,
      labelValues,
      alerts,
      unmeasured: access.unmeasured,
    };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return fail(
      err instanceof NotPrometheusError || err instanceof GrafanaError ? err.message : classifyError(err, endpointOf(target.url, 3000)),
      m,
    );
  }
}

/** The alerts Grafana's own alerting holds, read through its Prometheus-compatible rules API. */
async function grafanaAlerts(
  o: { target: GrafanaTarget; ctx: ProbeContext; base: string; headers: Record<string, string> },
  m: Measurement[],
  warnings: string[],
  labelValues: LabelValues,
): Promise<AlertSeen[]> {
  const api = prometheusApi({
    url: `${o.base}/api/prometheus/grafana`,
    headers: o.headers,
    timeoutMs: o.ctx.timeoutMs,
    tlsVerify: o.target.tlsVerify,
    signal: o.ctx.signal,
    stage: o.ctx.stage,
  });
  const read = await readAlerts(api, []);
  m.push(...read.measurements);
  warnings.push(...read.warnings);
  labelValues.alerts_firing = labelValues.alerts_pending = read.universe;
  return read.alerts;
}

class GrafanaError extends Error {}

const fail = (error: string, measurements: Measurement[]): ProbeOutcome => ({
  status: 'fail',
  latencyMs: null,
  error,
  details: {},
  measurements,
});

/** Each datasource's own health check; a type without one is unknown (a warning), not down. */
async function datasources(target: GrafanaTarget, get: Get, m: Measurement[], warnings: string[], labelValues: LabelValues): Promise<void> {
  const list = await get('/api/datasources');
  if (list.status === 401 || list.status === 403)
    throw new GrafanaError(
      `the token is not accepted: /api/datasources answered HTTP ${list.status} (a service-account token with the Viewer role reads it)`,
    );
  if (!Array.isArray(list.json)) throw new GrafanaError(`/api/datasources answered HTTP ${list.status} without a list: not Grafana's API`);
  const all = (list.json as { uid?: string; name?: string; type?: string }[]).filter((d) => typeof d.uid === 'string');
  const wanted =
    target.datasources === 'all'
      ? all
      : target.datasources.map((uid) => all.find((d) => d.uid === uid) ?? { uid, name: uid, type: 'missing' });
  let unhealthy = 0;
  for (const d of wanted) {
    const labels = { datasource: d.name ?? d.uid!, uid: d.uid!, type: d.type ?? 'unknown' };
    if (d.type === 'missing') {
      unhealthy++;
      warnings.push(`datasource ${d.uid} does not exist`);
      m.push({ metric: 'datasource_up', value: 0, unit: 'count', labels });
      continue;
    }
    const h = await get(`/api/datasources/uid/${encodeURIComponent(d.uid!)}/health`);
    const body = (h.json ?? {}) as { status?: string; message?: string };
    if (h.status === 404 || /not implemented/i.test(body.message ?? '')) {
      warnings.push(`datasource ${labels.datasource} (${labels.type}) has no health check`);
      continue;
    }
    const up = h.status === 200 && String(body.status).toUpperCase() === 'OK';
    if (!up) {
      unhealthy++;
      warnings.push(`datasource ${labels.datasource} unhealthy: ${body.message ?? `HTTP ${h.status}`}`);
    }
    m.push({ metric: 'datasource_up', value: up ? 1 : 0, unit: 'count', labels });
  }
  m.push(
    { metric: 'datasources_total', value: wanted.length, unit: 'count' },
    { metric: 'datasources_unhealthy', value: unhealthy, unit: 'count' },
  );
  labelValues.datasource_up = {
    datasource: wanted.map((d) => d.name ?? d.uid!),
    uid: wanted.map((d) => d.uid!),
    type: [...new Set(wanted.map((d) => d.type ?? 'unknown'))],
  };
}

async function dashboards(target: GrafanaTarget, get: Get, m: Measurement[], warnings: string[]): Promise<void> {
  const missing: string[] = [];
  for (const uid of target.dashboards) {
    const r = await get(`/api/dashboards/uid/${encodeURIComponent(uid)}`);
    if (r.status !== 200) missing.push(`${uid} (HTTP ${r.status})`);
  }
  if (target.dashboards.length) m.push({ metric: 'dashboards_missing', value: missing.length, unit: 'count' });
  if (missing.length) warnings.push(`dashboard(s) not found: ${missing.join(', ')}`);
}

export const grafanaProbe = defineProbe<GrafanaTarget>({
  kind: 'grafana',
  aliases: [],
  schemes: [],
  section: { title: 'Infrastructure health', order: 1 },
  summary: 'Grafana: /api/health (database, version); with a token, datasource health, dashboards by UID, Grafana-managed alerts',
  schema,
  metrics,
  check: (t) =>
    !t.token && (t.dashboards.length > 0 || Array.isArray(t.datasources))
      ? [{ path: ['token'], message: 'checking datasources or dashboards needs a service-account token: add token: ${GRAFANA_TOKEN}' }]
      : [],
  run,
});
