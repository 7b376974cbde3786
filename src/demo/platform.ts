import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { postgresDependency, redisDependency, type Dependency } from './dependencies.js';
import { DemoEngine } from './engine.js';
import { prometheusSim } from './prometheus-sim.js';
import { grafanaSim, type GrafanaSimState } from './grafana-sim.js';
import { startBusTraffic } from './bus-traffic.js';

/** The reference platform's engines; `features` is in maintenance, as in the reference report. */
export const DEMO_ENGINES = [
  'analytics',
  'risk',
  'factor',
  'ml',
  'features',
  'websocket',
  'strategy',
  'marketdata',
  'portfolio',
  'collateral',
];
export const MAINTENANCE = 'features';
/** The token the simulated Grafana accepts (a service-account token, as a real one would need). */
export const DEMO_GRAFANA_TOKEN = 'glsa_demo_readonly';

/** The demo's Grafana: its datasources healthy, the platform dashboard present, no Grafana-managed alert firing. */
const DEMO_GRAFANA: GrafanaSimState = {
  token: DEMO_GRAFANA_TOKEN,
  database: 'ok',
  datasources: [
    { uid: 'prometheus', name: 'Prometheus', type: 'prometheus', health: 'OK' },
    { uid: 'trading-db', name: 'Trading DB', type: 'postgres', health: 'OK' },
  ],
  dashboards: ['trading-overview', 'message-buses'],
  alerts: [],
  rules: [
    { name: 'BusLagHigh', labels: { severity: 'warning' } },
    { name: 'EngineDown', labels: { severity: 'critical' } },
  ],
};

/** Client names the demo's engines use, so fault experiments touch only them on a shared Redis/PostgreSQL. */
export const DEMO_REDIS_CLIENT = 'demo-marketdata';
export const DEMO_PG_APPLICATION = 'demo-portfolio';

export interface DemoPlatform {
  engines: Record<string, string>;
  /** Three replicas of the risk engine, each taking 2 ms an answer: what the scaling scenario spreads its load over. */
  replicas: string[];
  /** A file holding this process's pid: the demo's engines run in it, so its CPU and memory are theirs. */
  pidfile: string;
  prometheusUrl: string;
  grafanaUrl: string;
  /** Rules for the simulated Prometheus to have loaded (what `validate alerts` writes from the demo's config). */
  loadAlertRules(rules: { name: string; labels: Record<string, string>; query: string; duration: number }[]): void | Promise<void>;
  close(): Promise<void>;
}

export interface DemoOptions {
  /** When given, the marketdata engine depends on this Redis (and fails its health check without it). */
  redisUrl?: string;
  /** When given, the portfolio engine depends on this PostgreSQL. */
  postgresUrl?: string;
}

/** Starts the simulated engines and a minimal Prometheus API in this process, on free ports. */
export async function startDemoPlatform(o: DemoOptions = {}): Promise<DemoPlatform> {
  const deps: Dependency[] = [];
  const dependencyOf = async (name: string) => {
    let d: Dependency | undefined;
    if (name === 'marketdata' && o.redisUrl) d = await redisDependency(o.redisUrl, DEMO_REDIS_CLIENT);
    if (name === 'portfolio' && o.postgresUrl) d = await postgresDependency(o.postgresUrl, DEMO_PG_APPLICATION);
    if (d) deps.push(d);
    return d?.ok;
  };
  const DEPENDENCY_NAMES: Record<string, string> = { marketdata: 'marketdata-bus', portfolio: 'portfolio-db' };
  const engines = await Promise.all(
    DEMO_ENGINES.map(async (name) => {
      const ok = await dependencyOf(name);
      return new DemoEngine(name, name === MAINTENANCE, ok, ok && DEPENDENCY_NAMES[name]);
    }),
  );
  const replicas = [1, 2, 3].map(() => new DemoEngine('risk', false, undefined, undefined, 2));
  await Promise.all([...engines, ...replicas].map((e) => e.start()));
  const pidfile = join(mkdtempSync(join(tmpdir(), 'validate-demo-')), 'demo.pid');
  writeFileSync(pidfile, `${process.pid}\n`);
  const urls = Object.fromEntries(engines.map((e) => [e.name, e.url]));
  const sim = prometheusSim(urls, MAINTENANCE);
  const prometheus = sim.server;
  const grafana = grafanaSim(DEMO_GRAFANA);
  await Promise.all([prometheus, grafana].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()))));
  const bus = o.redisUrl ? await startBusTraffic(o.redisUrl) : undefined;
  const urlOf = (s: typeof grafana) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  return {
    engines: urls,
    replicas: replicas.map((r) => r.url),
    pidfile,
    prometheusUrl: urlOf(prometheus),
    grafanaUrl: urlOf(grafana),
    loadAlertRules: sim.loadRules,
    async close() {
      bus?.close();
      for (const d of deps) d.close();
      const servers = [prometheus, grafana];
      for (const s of servers) s.closeAllConnections();
      rmSync(dirname(pidfile), { recursive: true, force: true });
      await Promise.all([
        ...[...engines, ...replicas].map((e) => e.stop()),
        ...servers.map((s) => new Promise<void>((r) => s.close(() => r()))),
      ]);
    },
  };
}
