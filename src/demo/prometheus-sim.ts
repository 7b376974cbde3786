import { createServer, type Server } from 'node:http';

/** The reference platform's alert framework, as the simulated Prometheus's alerting rules. */
const RULES = [
  { name: 'EngineDown', severity: 'critical', query: 'up{job=~"engine-.*"} == 0', duration: 30 },
  { name: 'EngineMaintenance', severity: 'warning', query: 'engine_maintenance == 1', duration: 0 },
  {
    name: 'HighResponseTime',
    severity: 'warning',
    query: 'histogram_quantile(0.99, sum by (le, job) (rate(http_request_duration_seconds_bucket[5m]))) > 0.5',
    duration: 300,
  },
  {
    name: 'HighErrorRate',
    severity: 'critical',
    query: 'sum(rate(http_errors_total[5m])) / sum(rate(http_requests_total[5m])) > 0.01',
    duration: 300,
  },
  { name: 'RedisDown', severity: 'critical', query: 'redis_up == 0', duration: 30 },
  { name: 'DatabaseDown', severity: 'critical', query: 'pg_up == 0', duration: 30 },
];

/**
 * A minimal Prometheus API for the demo, answering as the real one does: ready, the engines as scrape
 * targets, the reference alert rules, one of them firing (the engine in maintenance), and queries.
 */
export interface PrometheusSim {
  server: Server;
  /** The rules `validate alerts` writes from the demo's config, as if loaded from a rules file. */
  loadRules(rules: { name: string; labels: Record<string, string>; query: string; duration: number }[]): void;
}

export function prometheusSim(engines: Record<string, string>, maintenance: string): PrometheusSim {
  let loaded: LoadedRule[] = [];
  const instance = (e: string) => new URL(engines[e]).host;
  const firing = {
    labels: { alertname: 'EngineMaintenance', severity: 'warning', job: `engine-${maintenance}`, instance: instance(maintenance) },
    annotations: {},
    state: 'firing',
    activeAt: new Date().toISOString(),
    value: '1e+00',
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const json = (body: unknown) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: body }));
    if (path === '/-/ready') res.writeHead(200).end('Prometheus Server is Ready.\n');
    // Open to anyone, as a Prometheus without web.config basic_auth is: the probe reports auth_required 0.
    else if (path === '/api/v1/status/buildinfo') json({ version: '2.53.0', revision: 'demo', branch: 'HEAD' });
    else if (path === '/api/v1/targets') {
      json({
        activeTargets: Object.keys(engines).map((e) => ({
          health: e === maintenance ? 'down' : 'up',
          labels: { job: `engine-${e}`, instance: instance(e) },
        })),
        droppedTargets: [],
      });
    } else if (path === '/api/v1/alerts') {
      json({ alerts: [firing] });
    } else if (path === '/api/v1/rules') json(rulesAnswer(loaded, firing));
    else if (path === '/api/v1/query') json(queryAnswer(req.url ?? '/'));
    else res.writeHead(404).end();
  });
  return { server, loadRules: (rules) => void (loaded = rules) };
}

type LoadedRule = { name: string; labels: Record<string, string>; query: string; duration: number };

/** /api/v1/rules: the platform's reference rules (one firing) and the ones `validate alerts` wrote, all evaluated just now. */
function rulesAnswer(loaded: LoadedRule[], firing: object): unknown {
  const lastEvaluation = new Date().toISOString();
  const rules = RULES.map((r) => ({
    state: r.name === 'EngineMaintenance' ? 'firing' : 'inactive',
    name: r.name,
    query: r.query,
    duration: r.duration,
    labels: { severity: r.severity },
    annotations: {},
    alerts: r.name === 'EngineMaintenance' ? [firing] : [],
    health: 'ok',
    lastEvaluation,
    type: 'alerting',
  }));
  const generated = loaded.map((r) => ({
    state: 'inactive',
    name: r.name,
    query: r.query,
    duration: r.duration,
    labels: r.labels,
    annotations: {},
    alerts: [],
    health: 'ok',
    lastEvaluation,
    type: 'alerting',
  }));
  return {
    groups: [
      { name: 'platform', file: 'platform.rules.yml', rules, interval: 15 },
      { name: 'go-live criteria', file: 'go-live.rules.yml', rules: generated, interval: 15 },
    ],
  };
}

/** /api/v1/query: no restarts or flaps on the simulated platform, its GPUs, a backup 5 hours ago; anything else is its error rate, 0.02%. */
function queryAnswer(url: string): unknown {
  const query = new URL(url, 'http://x').searchParams.get('query') ?? '';
  const now = Date.now() / 1000;
  const gpu = /^(DCGM_FI_DEV_\w+)/.exec(query)?.[1];
  if (gpu) return { resultType: 'vector', result: dcgmSeries(gpu).map(([metric, v]) => ({ metric, value: [now, String(v)] })) };
  if (query.includes('backup_last_success')) return { resultType: 'vector', result: [{ metric: {}, value: [now, '18000'] }] };
  return { resultType: 'vector', result: [{ metric: {}, value: [now, query.includes('changes(') ? '0' : '0.02'] }] };
}

/** Two healthy H100s of the ML engine's node, as dcgm-exporter exports them. */
function dcgmSeries(metric: string): [Record<string, string>, number][] {
  const values: Record<string, [number, number]> = {
    DCGM_FI_DEV_GPU_UTIL: [64, 71],
    DCGM_FI_DEV_FB_USED: [41_000, 43_500],
    DCGM_FI_DEV_FB_FREE: [40_920, 38_420],
    DCGM_FI_DEV_GPU_TEMP: [61, 63],
    DCGM_FI_DEV_ECC_DBE_VOL_TOTAL: [0, 0],
    DCGM_FI_DEV_XID_ERRORS: [0, 0],
  };
  const v = values[metric];
  if (!v) return [];
  return v.map((x, i) => [{ gpu: String(i), UUID: `GPU-demo-${i}`, modelName: 'NVIDIA H100 80GB HBM3', Hostname: 'neural-gpu-1' }, x]);
}
