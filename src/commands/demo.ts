import { fileURLToPath } from 'node:url';
import type { Config } from '../config/config.js';
import { loadConfigFile } from '../config/load.js';
import { withoutTargets } from '../config/prune.js';
import { DEMO_ENGINES, DEMO_GRAFANA_TOKEN, DEMO_PG_APPLICATION } from '../demo/platform.js';
import { startDemoPlatformProcess } from '../demo/platform-process-client.js';
import { reachable } from '../demo/reachable.js';
import { planRules } from '../alerts/rules.js';
import type { ExitCodeValue } from '../exit-codes.js';
import { SECRETS } from '../util/redact.js';
import { note } from '../util/say.js';
import { demoServices, type DemoServiceUrls } from './demo-services.js';
import { packageFile } from '../paths.js';
import { parseDuration } from '../util/duration.js';
import { checkOutputs } from '../session/output.js';
import { openGate, type GateFlags } from '../session/gate.js';

export const DEMO_CONFIG = fileURLToPath(packageFile('fixtures/demo.yaml'));

export interface DemoFlags extends GateFlags {
  retries?: number;
  /** A Redis or PostgreSQL of the user's to use instead of the demo's own (also DEMO_REDIS_URL, DEMO_POSTGRES_URL). */
  redis?: string;
  postgres?: string;
}

/**
 * `validate demo`: a simulated trading platform in a process of its own, validated with fixtures/demo.yaml.
 * Its Redis and PostgreSQL are its own, started from the installed binaries on free ports and removed
 * after (a user's are used only when named: --redis, --postgres); without the binaries their checks are
 * left out and the report says which. With --chaos, the fault experiments run against the simulated
 * engines and those servers, and the soak lasts a minute.
 */
export async function demo(flags: DemoFlags, signal: AbortSignal): Promise<ExitCodeValue> {
  checkOutputs(flags);
  const services = await demoServices(flags);
  try {
    return await demoWith(services.urls, services.notes, flags, signal);
  } finally {
    await services.stop();
  }
}

async function demoWith(urls: DemoServiceUrls, serviceNotes: string[], flags: DemoFlags, signal: AbortSignal): Promise<ExitCodeValue> {
  const { redisUrl, postgresUrl } = urls;
  const [redisUp, postgresUp] = await Promise.all([answers(redisUrl, 6379), answers(postgresUrl, 5432)]);
  // Left out, its targets are removed from the config below; the URL only fills the config's placeholder.
  const unused = (kind: string) => `${kind}://127.0.0.1:1/not-started`;
  // The platform runs in a process of its own, beside the generator as a real one is, not inside it.
  const platform = await startDemoPlatformProcess({
    redisUrl: redisUp ? redisUrl : undefined,
    postgresUrl: postgresUp ? postgresUrl : undefined,
  });
  try {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DEMO_PROMETHEUS_URL: platform.prometheusUrl,
      DEMO_GRAFANA_URL: platform.grafanaUrl,
      DEMO_GRAFANA_TOKEN,
      DEMO_WS_URL: `${platform.engines.websocket.replace('http:', 'ws:')}/ws`,
      // The same URLs the engines depend on: the probes and faults act on what the engines use.
      DEMO_REDIS_URL: redisUrl ?? unused('redis'),
      DEMO_POSTGRES_URL: postgresUrl ?? unused('postgres'),
      DEMO_PG_APPLICATION,
      DEMO_SOAK_DURATION: process.env.DEMO_SOAK_DURATION ?? (flags.chaos ? '1m' : '5s'),
    };
    for (const e of DEMO_ENGINES) env[`DEMO_${e.toUpperCase()}_URL`] = platform.engines[e];
    platform.replicas.forEach((url, i) => (env[`DEMO_RISK_REPLICA_${i + 1}`] = url));
    env.DEMO_PIDFILE = platform.pidfile;
    const redactor = SECRETS;
    const loaded = await loadConfigFile(DEMO_CONFIG, redactor, env);
    const unreachable = notAnswering(loaded, { redis: redisUp, postgres: postgresUp }, { redis: redisUrl, postgres: postgresUrl });
    const { gone } = unreachable;
    const notes = [...serviceNotes, ...unreachable.notes];
    const { config } = withoutTargets(loaded, gone);
    if (flags.retries !== undefined) config.retries = flags.retries;
    // The simulated Prometheus has the rules `validate alerts` writes from this config (less DEMO_DROP_RULE, to see coverage fail).
    const dropped = new Set((process.env.DEMO_DROP_RULE ?? '').split(',').filter(Boolean));
    await platform.loadAlertRules(
      planRules(config.criteria, config.targets)
        .rules.filter((r) => !dropped.has(r.alert))
        .map((r) => ({ name: r.alert, labels: r.labels, query: r.expr, duration: (parseDuration(r.for ?? '0s') ?? 0) / 1000 })),
    );
    for (const n of notes) note(`demo: ${n}`);
    return await openGate(config, flags, { history: false }).run(signal, { notes });
  } finally {
    await platform.close();
  }
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
