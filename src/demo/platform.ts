import type { AddressInfo } from 'node:net';
import { postgresDependency, redisDependency, type Dependency } from './dependencies.js';
import { DemoEngine } from './engine.js';
import { prometheusSim } from './prometheus-sim.js';

/** The reference platform's engines; `features` is in maintenance, as in the reference report. */
export const DEMO_ENGINES = ['analytics', 'risk', 'factor', 'ml', 'features', 'websocket', 'strategy', 'marketdata', 'portfolio', 'collateral'];
export const MAINTENANCE = 'features';
/** Client names the demo's engines use, so fault experiments touch only them on a shared Redis/PostgreSQL. */
export const DEMO_REDIS_CLIENT = 'demo-marketdata';
export const DEMO_PG_APPLICATION = 'demo-portfolio';

export interface DemoPlatform {
  engines: Record<string, string>;
  prometheusUrl: string;
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
  const engines = await Promise.all(DEMO_ENGINES.map(async (name) => new DemoEngine(name, name === MAINTENANCE, await dependencyOf(name))));
  await Promise.all(engines.map((e) => e.start()));
  const urls = Object.fromEntries(engines.map((e) => [e.name, e.url]));
  const prometheus = prometheusSim(urls, MAINTENANCE);
  await new Promise<void>((r) => prometheus.listen(0, '127.0.0.1', () => r()));
  return {
    engines: urls,
    prometheusUrl: `http://127.0.0.1:${(prometheus.address() as AddressInfo).port}`,
    async close() {
      for (const d of deps) d.close();
      prometheus.closeAllConnections();
      await Promise.all([...engines.map((e) => e.stop()), new Promise<void>((r) => prometheus.close(() => r()))]);
    },
  };
}
