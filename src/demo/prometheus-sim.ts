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
  let loaded: { name: string; labels: Record<string, string>; query: string; duration: number }[] = [];
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
    } else if (path === '/api/v1/rules') {
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
      json({
        groups: [
          { name: 'platform', file: 'platform.rules.yml', rules, interval: 15 },
          { name: 'go-live criteria', file: 'go-live.rules.yml', rules: generated, interval: 15 },
        ],
      });
    } else if (path === '/api/v1/query') {
      // No restarts or flaps on the simulated platform; any other query is its error rate, 0.02%.
      const query = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
      json({ resultType: 'vector', result: [{ metric: {}, value: [Date.now() / 1000, query.includes('changes(') ? '0' : '0.02'] }] });
    } else res.writeHead(404).end();
  });
  return { server, loadRules: (rules) => void (loaded = rules) };
}
