import { z } from 'zod';
import { duration, targetBase, name } from '../config/fields.js';
import type { Measurement, MetricSpec, Unit } from '../results/measurement.js';
import { classifyError, endpointOf } from './classify-error.js';
import { fetchCapped } from './http-fetch.js';
import type { ProbeContext, ProbeKind, ProbeOutcome } from './types.js';

const UNITS = ['ms', 'seconds', 'percent', 'count', 'bytes', 'per_second', 'number'] as const;

const schema = z.strictObject({
  kind: z.literal('prometheus'),
  ...targetBase(['http', 'https']),
  headers: z.record(z.string(), z.string()).default({}),
  restartWindow: duration.default(3_600_000).meta({ description: 'How far back restarts (process_start_time_seconds changes) and up flaps are counted' }),
  queries: z
    .array(
      z.strictObject({
        name: name.meta({ description: 'Measurement name: prometheus.<target>.<name>' }),
        query: z.string().min(1).meta({ description: 'PromQL returning a scalar or a single series' }),
        unit: z.enum(UNITS).default('number'),
      }),
    )
    .default([]),
});
export type PrometheusTarget = z.output<typeof schema>;

const SEVERITIES = ['critical', 'warning', 'info'];

const metrics: Record<string, MetricSpec> = {
  ready: { unit: 'count', aggregate: 'min', label: 'ready' },
  targets_total: { unit: 'count', aggregate: 'sum', label: 'targets' },
  targets_down: { unit: 'count', aggregate: 'sum', label: 'targets down', headline: true },
  alerts_firing: { unit: 'count', aggregate: 'sum', label: 'alerts firing', headline: true, missingIsZero: true },
  alerts_pending: { unit: 'count', aggregate: 'sum', label: 'alerts pending' },
  restarts: { unit: 'count', aggregate: 'sum', label: 'restarts', headline: true },
  up_flaps: { unit: 'count', aggregate: 'sum', label: 'up flaps' },
};

interface ApiAnswer<T> {
  status: string;
  data: T;
  error?: string;
}

async function run(target: PrometheusTarget, ctx: ProbeContext): Promise<ProbeOutcome> {
  const base = new URL(target.url);
  const headers = { ...target.headers };
  if (base.username) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64')}`;
    base.username = '';
    base.password = '';
  }
  const root = base.toString().replace(/\/$/, '');
  const get = (path: string) =>
    fetchCapped({ url: root + path, method: 'GET', headers, maxBodyBytes: 8 * 1024 * 1024, timeoutMs: ctx.timeoutMs, tlsVerify: true, signal: ctx.signal, stage: (s) => ctx.stage(`${path}: ${s}`) });
  const api = async <T>(path: string): Promise<T> => {
    const res = await get(path);
    let body: ApiAnswer<T> | undefined;
    try {
      body = JSON.parse(res.body.toString('utf8'));
    } catch {
      body = undefined;
    }
    if (body?.status !== 'success' && body?.status !== 'error') {
      throw new Error(`${path} answered HTTP ${res.status} with something that is not the Prometheus API`);
    }
    if (body.status !== 'success') throw new Error(`${path}: ${body.error ?? `HTTP ${res.status}`}`);
    return body.data;
  };

  const m: Measurement[] = [];
  const warnings: string[] = [];
  try {
    const ready = await get('/-/ready');
    m.push({ metric: 'ready', value: ready.status === 200 ? 1 : 0, unit: 'count' });
    if (ready.status !== 200) {
      return { status: 'fail', latencyMs: ready.totalMs, error: `not ready: /-/ready answered HTTP ${ready.status}`, details: {}, measurements: m };
    }
    const targets = await api<{ activeTargets: { health: string; labels: Record<string, string>; lastError?: string }[] }>('/api/v1/targets?state=active');
    const down = targets.activeTargets.filter((t) => t.health !== 'up');
    m.push({ metric: 'targets_total', value: targets.activeTargets.length, unit: 'count' }, { metric: 'targets_down', value: down.length, unit: 'count' });
    if (down.length) warnings.push(`${down.length} scrape target(s) down: ${down.slice(0, 3).map((t) => t.labels.instance ?? t.labels.job).join(', ')}`);

    const alerts = await api<{ alerts: { state: string; labels: Record<string, string> }[] }>('/api/v1/alerts');
    const firing = alerts.alerts.filter((a) => a.state === 'firing');
    m.push({ metric: 'alerts_firing', value: firing.length, unit: 'count' });
    m.push({ metric: 'alerts_pending', value: alerts.alerts.filter((a) => a.state === 'pending').length, unit: 'count' });
    const bySeverity = new Map<string, number>(SEVERITIES.map((s) => [s, 0]));
    for (const a of firing) {
      const sev = a.labels.severity ?? 'none';
      bySeverity.set(sev, (bySeverity.get(sev) ?? 0) + 1);
    }
    for (const [severity, count] of bySeverity) m.push({ metric: 'alerts_firing', labels: { severity }, value: count, unit: 'count' });
    if (firing.length) warnings.push(`${firing.length} alert(s) firing: ${[...new Set(firing.map((a) => a.labels.alertname))].slice(0, 3).join(', ')}`);

    // Remote restarts: a scraped process's start time changing, and targets going down and up again.
    const range = `${Math.max(1, Math.round(target.restartWindow / 1000))}s`;
    const restarts = await scalarOf(api, `sum(changes(process_start_time_seconds[${range}])) or vector(0)`);
    const flaps = await scalarOf(api, `sum(changes(up[${range}])) or vector(0)`);
    if (typeof restarts === 'number') m.push({ metric: 'restarts', value: restarts, unit: 'count' });
    if (typeof flaps === 'number') m.push({ metric: 'up_flaps', value: flaps, unit: 'count' });
    if (typeof restarts === 'number' && restarts > 0) warnings.push(`${restarts} process restart(s) in the last ${range}`);

    for (const q of target.queries) {
      const value = await scalarOf(api, q.query);
      if (typeof value === 'string') warnings.push(`query "${q.name}": ${value}`);
      else m.push({ metric: q.name, value, unit: q.unit as Unit });
    }
    return { status: warnings.length ? 'warn' : 'pass', latencyMs: ready.totalMs, warnings, details: {}, measurements: m };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return { status: 'fail', latencyMs: null, error: classifyError(err, endpointOf(target.url, 9090)), details: {}, measurements: m };
  }
}

/** A number, or the reason the query did not give exactly one. */
async function scalarOf(api: <T>(path: string) => Promise<T>, query: string): Promise<number | string> {
  type Result = { resultType: string; result: unknown };
  const data = await api<Result>(`/api/v1/query?query=${encodeURIComponent(query)}`);
  if (data.resultType === 'scalar') return Number((data.result as [number, string])[1]);
  if (data.resultType === 'vector') {
    const series = data.result as { value: [number, string] }[];
    if (series.length === 1) return Number(series[0].value[1]);
    return series.length === 0 ? 'returned no data' : `returned ${series.length} series; aggregate it to one (e.g. sum(...))`;
  }
  return `returned a ${data.resultType}; use an instant query giving one number`;
}

export const prometheusProbe: ProbeKind<PrometheusTarget> = {
  kind: 'prometheus',
  aliases: [],
  schemes: [],
  summary: 'Prometheus: ready, scrape targets down, firing alerts by severity, PromQL measurements',
  schema,
  metrics,
  targetMetrics: (t) =>
    Object.fromEntries(t.queries.map((q) => [q.name, { unit: q.unit as Unit, aggregate: 'max' as const, label: q.name, headline: true }])),
  run,
};
