import type { Config } from '../config/config.js';
import { loadConfigFile } from '../config/load.js';
import { withoutTargets } from '../config/prune.js';
import { DEMO_ENGINES, DEMO_GRAFANA_TOKEN, DEMO_PG_APPLICATION, type DemoPlatform } from '../demo/platform.js';
import { startDemoPlatformProcess } from '../demo/platform-process-client.js';
import { reachable } from '../demo/reachable.js';
import { planRules } from '../alerts/rules.js';
import { SECRETS } from '../util/redact.js';
import { parseDuration } from '../util/duration.js';
import type { DemoServiceUrls } from './demo-services.js';

/** The demo's platform, running in a process of its own, and the config that validates it. */
export interface DemoSession {
  config: Config;
  /** What was left out, and why. */
  notes: string[];
  close(): Promise<void>;
}

/**
 * The simulated platform started beside the generator (as a real one is, not inside it), fixtures/demo.yaml
 * filled with its URLs, the Redis and PostgreSQL targets nothing answers for left out (with a note), and the
 * simulated Prometheus given the rules `validate alerts` writes from that config.
 */
export async function startDemoSession(configFile: string, urls: DemoServiceUrls, chaos: boolean): Promise<DemoSession> {
  const { redisUrl, postgresUrl } = urls;
  const [redisUp, postgresUp] = await Promise.all([answers(redisUrl, 6379), answers(postgresUrl, 5432)]);
  const platform = await startDemoPlatformProcess({
    redisUrl: redisUp ? redisUrl : undefined,
    postgresUrl: postgresUp ? postgresUrl : undefined,
  });
  try {
    const loaded = await loadConfigFile(configFile, SECRETS, demoEnv(platform, urls, chaos));
    const unreachable = notAnswering(loaded, { redis: redisUp, postgres: postgresUp }, { redis: redisUrl, postgres: postgresUrl });
    const { config } = withoutTargets(loaded, unreachable.gone);
    // The rules `validate alerts` writes from this config (less DEMO_DROP_RULE, to see coverage fail).
    const dropped = new Set((process.env.DEMO_DROP_RULE ?? '').split(',').filter(Boolean));
    await platform.loadAlertRules(
      planRules(config.criteria, config.targets)
        .rules.filter((r) => !dropped.has(r.alert))
        .map((r) => ({ name: r.alert, labels: r.labels, query: r.expr, duration: (parseDuration(r.for ?? '0s') ?? 0) / 1000 })),
    );
    return { config, notes: unreachable.notes, close: () => platform.close() };
  } catch (err) {
    await platform.close();
    throw err;
  }
}

/** The environment fixtures/demo.yaml reads its URLs from: the platform's, and the servers the engines use. */
function demoEnv(platform: DemoPlatform, urls: DemoServiceUrls, chaos: boolean): NodeJS.ProcessEnv {
  // Left out, its targets are removed from the config; the URL only fills the config's placeholder.
  const unused = (kind: string) => `${kind}://127.0.0.1:1/not-started`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DEMO_PROMETHEUS_URL: platform.prometheusUrl,
    DEMO_GRAFANA_URL: platform.grafanaUrl,
    DEMO_GRAFANA_TOKEN,
    DEMO_WS_URL: `${platform.engines.websocket.replace('http:', 'ws:')}/ws`,
    // The same URLs the engines depend on: the probes and faults act on what the engines use.
    DEMO_REDIS_URL: urls.redisUrl ?? unused('redis'),
    DEMO_POSTGRES_URL: urls.postgresUrl ?? unused('postgres'),
    DEMO_PG_APPLICATION,
    DEMO_SOAK_DURATION: process.env.DEMO_SOAK_DURATION ?? (chaos ? '1m' : '5s'),
    DEMO_PIDFILE: platform.pidfile,
  };
  for (const e of DEMO_ENGINES) env[`DEMO_${e.toUpperCase()}_URL`] = platform.engines[e];
  platform.replicas.forEach((url, i) => (env[`DEMO_RISK_REPLICA_${i + 1}`] = url));
  return env;
}

async function answers(url: string | undefined, defaultPort: number): Promise<boolean> {
  if (url === undefined) return false;
  const u = new URL(url);
  return reachable(u.hostname, Number(u.port) || defaultPort);
}

/** The Redis and PostgreSQL targets of the demo that nothing answers for: left out, with a note saying so. */
function notAnswering(
  config: Config,
  up: Record<'redis' | 'postgres', boolean>,
  urls: Record<'redis' | 'postgres', string | undefined>,
): { gone: Set<string>; notes: string[] } {
  const notes: string[] = [];
  const gone = new Set<string>();
  for (const kind of ['redis', 'postgres'] as const) {
    if (up[kind]) continue;
    for (const t of config.targets.filter((t) => t.kind === kind)) gone.add(t.name);
    const url = urls[kind];
    if (url === undefined) continue; // none to use: demoServices has said why
    const u = new URL(url);
    notes.push(`${kind} is not answering on ${u.hostname}:${u.port || (kind === 'redis' ? 6379 : 5432)}; its checks are left out`);
  }
  return { gone, notes };
}
