import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The reference report's mission-critical operations, served by every healthy engine. */
const OPERATIONS: Record<string, unknown> = {
  'POST /orders': { status: 'accepted', order_id: 'ord-1' },
  'POST /risk/assess': { status: 'ok', var_95: 0.021 },
  'GET /portfolio/analysis': { status: 'ok', positions: 42, exposure: 0.63 },
};

/** How long a simulated engine is gone when restarted through POST /admin/restart. */
export const RESTART_DOWNTIME_MS = 1500;

/**
 * One simulated engine: /health (healthy only while its dependency answers), the operations, and
 * POST /admin/restart, which really closes its HTTP server and opens it again on the same port.
 */
export class DemoEngine {
  private server: Server;
  private port = 0;
  private started = Date.now();

  constructor(
    readonly name: string,
    private readonly maintenance: boolean,
    private readonly dependencyOk: () => Promise<boolean> = async () => true,
    /** What the dependency is called in the health document's checks (health+json), when there is one. */
    private readonly dependencyName?: string,
    /** Time each answer takes, as a service's own work (a replica behind the balancer: what scaling measures). */
    private readonly serviceMs = 0,
  ) {
    this.server = this.create();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(this.port, '127.0.0.1', () => r()));
    this.port = (this.server.address() as AddressInfo).port;
    if (this.name === 'websocket') await this.serveWebSocket();
  }

  /** The websocket engine's clients: a subscribe is confirmed, then every message is answered with a quote. */
  private async serveWebSocket(): Promise<void> {
    const { WebSocketServer } = await import('ws');
    const wss = new WebSocketServer({ server: this.server, path: '/ws' });
    wss.on('connection', (ws) => {
      ws.on('message', (data) => {
        let msg: { type?: string; symbol?: string } = {};
        try {
          msg = JSON.parse(String(data));
        } catch {
          // Not JSON: answered as an unknown message.
        }
        ws.send(
          JSON.stringify(
            msg.type === 'subscribe'
              ? { type: 'subscribed', symbol: msg.symbol }
              : { type: 'quote', symbol: msg.symbol ?? 'AAPL', price: 190.5 },
          ),
        );
      });
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private create(): Server {
    return createServer((req, res) => {
      req.resume();
      req.on('end', () => void this.handle(req.method ?? 'GET', req.url ?? '/', res));
    });
  }

  private async handle(method: string, url: string, res: import('node:http').ServerResponse): Promise<void> {
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (method === 'POST' && url === '/admin/restart') {
      json(202, { status: 'restarting' });
      res.on('finish', () => void this.restart());
      return;
    }
    if (this.serviceMs) await new Promise((r) => setTimeout(r, this.serviceMs));
    const op = OPERATIONS[`${method} ${url}`];
    if (op && !this.maintenance) return json(200, op);
    if (url !== '/health') return void res.writeHead(404).end();
    const t0 = performance.now();
    const dependencyUp = await this.dependencyOk();
    const ms = Math.round((performance.now() - t0) * 100) / 100;
    const status = this.maintenance ? 'maintenance' : dependencyUp ? 'healthy' : 'degraded';
    json(status === 'healthy' ? 200 : 503, {
      status,
      service: this.name,
      version: '2.4.1',
      uptime_seconds: Math.round((Date.now() - this.started) / 1000) + 86_400,
      started_at: new Date(this.started).toISOString(),
      ...(this.dependencyName && {
        checks: {
          [`${this.dependencyName}:responseTime`]: [{ status: dependencyUp ? 'pass' : 'fail', observedValue: ms, observedUnit: 'ms' }],
        },
      }),
    });
  }

  private async restart(): Promise<void> {
    await this.stop();
    await new Promise((r) => setTimeout(r, RESTART_DOWNTIME_MS));
    this.server = this.create();
    this.started = Date.now();
    await this.start();
  }
}
