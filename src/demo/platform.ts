import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The reference platform's engines; `features` is in maintenance, as in the reference report. */
export const DEMO_ENGINES = ['analytics', 'risk', 'factor', 'ml', 'features', 'websocket', 'strategy', 'marketdata', 'portfolio', 'collateral'];
export const MAINTENANCE = 'features';

/** The reference report's mission-critical operations, served by every healthy engine. */
const OPERATIONS: Record<string, unknown> = {
  'POST /orders': { status: 'accepted', order_id: 'ord-1' },
  'POST /risk/assess': { status: 'ok', var_95: 0.021 },
  'GET /portfolio/analysis': { status: 'ok', positions: 42, exposure: 0.63 },
};

export interface DemoPlatform {
  engines: Record<string, string>;
  prometheusUrl: string;
  close(): Promise<void>;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

/** Starts the simulated engines and a minimal Prometheus API in this process, on free ports. */
export async function startDemoPlatform(): Promise<DemoPlatform> {
  const started = Date.now();
  const servers: Server[] = [];
  const engines: Record<string, string> = {};
  for (const name of DEMO_ENGINES) {
    const server = createServer((req, res) => {
      const down = name === MAINTENANCE;
      const op = OPERATIONS[`${req.method} ${req.url}`];
      if (op && !down) {
        // Mission-critical operations answer with a small JSON document, after draining the request body.
        req.resume();
        req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(op)));
        return;
      }
      if (req.url !== '/health') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(down ? 503 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: down ? 'maintenance' : 'healthy', service: name, version: '2.4.1', uptime_seconds: Math.round((Date.now() - started) / 1000) + 86_400 }));
    });
    servers.push(server);
    engines[name] = await listen(server);
  }
  const prometheus = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: body }));
    if (path === '/-/ready') res.writeHead(200).end('Prometheus Server is Ready.\n');
    else if (path === '/api/v1/targets') {
      json({ activeTargets: DEMO_ENGINES.map((e) => ({ health: e === MAINTENANCE ? 'down' : 'up', labels: { job: e, instance: new URL(engines[e]).host } })) });
    } else if (path === '/api/v1/alerts') {
      json({ alerts: [{ state: 'firing', labels: { alertname: 'EngineMaintenance', severity: 'warning', engine: MAINTENANCE } }] });
    } else if (path === '/api/v1/query') {
      json({ resultType: 'vector', result: [{ metric: {}, value: [Date.now() / 1000, '0.02'] }] });
    } else res.writeHead(404).end();
  });
  servers.push(prometheus);
  const prometheusUrl = await listen(prometheus);
  return {
    engines,
    prometheusUrl,
    close: () => Promise.all(servers.map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); }))).then(() => undefined),
  };
}
