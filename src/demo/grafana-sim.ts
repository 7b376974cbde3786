import { createServer, type Server } from 'node:http';

export interface GrafanaSimState {
  /** The service-account token it accepts (Authorization: Bearer ...). */
  token: string;
  database: 'ok' | 'failing';
  datasources: { uid: string; name: string; type: string; health: 'OK' | 'ERROR' | 'none'; message?: string }[];
  dashboards: string[];
  /** Grafana-managed alerts, as its Prometheus-style endpoint lists them (state Alerting or Pending). */
  alerts: { labels: Record<string, string>; state: 'Alerting' | 'Pending' }[];
  /** The alert rules' names and labels, as /api/prometheus/grafana/api/v1/rules lists them. */
  rules: { name: string; labels: Record<string, string> }[];
}

/**
 * No Grafana can be installed where this is developed and tested: this answers as Grafana's documented
 * HTTP API does, for the endpoints the grafana probe reads, and nothing else. /api/health (no auth);
 * with a Bearer token: /api/datasources, /api/datasources/uid/:uid/health (200 {status:"OK"} or 400
 * {status:"ERROR"}; 404 for a type without a health check), /api/dashboards/uid/:uid (404 when absent),
 * and the Prometheus-style alerting endpoints under /api/prometheus/grafana.
 */
export function grafanaSim(state: GrafanaSimState): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const send = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (path === '/api/health')
      return send(state.database === 'ok' ? 200 : 503, { commit: 'sim', database: state.database, version: '11.2.0' });
    if (req.headers.authorization !== `Bearer ${state.token}`) return send(401, { message: 'Unauthorized' });
    if (path === '/api/datasources')
      return send(
        200,
        state.datasources.map(({ uid, name, type }, id) => ({ id: id + 1, uid, name, type, access: 'proxy' })),
      );
    const ds = /^\/api\/datasources\/uid\/([^/]+)\/health$/.exec(path);
    if (ds) {
      const d = state.datasources.find((x) => x.uid === decodeURIComponent(ds[1]));
      if (!d) return send(404, { message: 'Data source not found' });
      if (d.health === 'none') return send(404, { message: 'Plugin health check not implemented' });
      return send(d.health === 'OK' ? 200 : 400, {
        status: d.health,
        message: d.message ?? (d.health === 'OK' ? 'Data source is working' : 'error'),
      });
    }
    const dash = /^\/api\/dashboards\/uid\/([^/]+)$/.exec(path);
    if (dash) {
      const uid = decodeURIComponent(dash[1]);
      return state.dashboards.includes(uid)
        ? send(200, { dashboard: { uid, title: uid }, meta: {} })
        : send(404, { message: 'Dashboard not found' });
    }
    if (path === '/api/prometheus/grafana/api/v1/alerts')
      return send(200, {
        status: 'success',
        data: { alerts: state.alerts.map((a) => ({ ...a, annotations: {}, activeAt: new Date().toISOString(), value: '1e+00' })) },
      });
    if (path === '/api/prometheus/grafana/api/v1/rules') {
      const rules = state.rules.map((r) => ({
        name: r.name,
        labels: r.labels,
        type: 'alerting',
        state: 'inactive',
        health: 'ok',
        query: '',
        alerts: [],
      }));
      return send(200, { status: 'success', data: { groups: [{ name: 'platform', file: 'Platform', rules }] } });
    }
    send(404, { message: 'Not found' });
  });
}
