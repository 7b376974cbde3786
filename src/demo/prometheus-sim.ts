import { createServer, type Server } from 'node:http';

/** A minimal Prometheus API for the demo: ready, the engines as scrape targets, one warning alert, a query. */
export function prometheusSim(engines: Record<string, string>, maintenance: string): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: body }));
    if (path === '/-/ready') res.writeHead(200).end('Prometheus Server is Ready.\n');
    else if (path === '/api/v1/targets') {
      json({ activeTargets: Object.entries(engines).map(([e, url]) => ({ health: e === maintenance ? 'down' : 'up', labels: { job: e, instance: new URL(url).host } })) });
    } else if (path === '/api/v1/alerts') {
      json({ alerts: [{ state: 'firing', labels: { alertname: 'EngineMaintenance', severity: 'warning', engine: maintenance } }] });
    } else if (path === '/api/v1/query') {
      // No restarts or flaps on the simulated platform; any other query is its error rate, 0.02%.
      const query = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
      json({ resultType: 'vector', result: [{ metric: {}, value: [Date.now() / 1000, query.includes('changes(') ? '0' : '0.02'] }] });
    } else res.writeHead(404).end();
  });
}
