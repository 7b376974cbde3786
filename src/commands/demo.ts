import { fileURLToPath } from 'node:url';
import type { Config } from '../config/config.js';
import { loadConfigFile } from '../config/load.js';
import { DEMO_ENGINES, startDemoPlatform } from '../demo/platform.js';
import { reachable } from '../demo/reachable.js';
import type { ExitCodeValue } from '../exit-codes.js';
import { execute } from '../run/execute.js';
import { Redactor } from '../util/redact.js';
import { emitReport, type OutputFlags } from './output.js';
import { loadProgress, probeProgress } from './progress.js';

export const DEMO_CONFIG = fileURLToPath(new URL('../../fixtures/demo.yaml', import.meta.url));

/**
 * `validate demo`: a simulated trading platform in this process, validated with fixtures/demo.yaml.
 * Local Redis and PostgreSQL are used when they answer on their default ports; otherwise their checks
 * are left out and the report says so.
 */
export async function demo(flags: OutputFlags, signal: AbortSignal): Promise<ExitCodeValue> {
  const platform = await startDemoPlatform();
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, DEMO_PROMETHEUS_URL: platform.prometheusUrl };
    for (const e of DEMO_ENGINES) env[`DEMO_${e.toUpperCase()}_URL`] = platform.engines[e];
    const redactor = new Redactor();
    const config = await loadConfigFile(DEMO_CONFIG, redactor, env);
    const notes = await dropUnreachable(config);
    for (const n of notes) process.stderr.write(`demo: ${n}\n`);
    const progress = probeProgress(config.targets.length);
    const load = loadProgress();
    const report = await execute(config, redactor, { signal, onResult: progress.onResult, onScenarioStart: load.onStart, notes });
    progress.end();
    load.end();
    return await emitReport(report, flags, config.outputs);
  } finally {
    await platform.close();
  }
}

/** Removes Redis/PostgreSQL targets nobody answers for, and the criteria that only they could satisfy. */
async function dropUnreachable(config: Config): Promise<string[]> {
  const notes: string[] = [];
  const gone = new Set<string>();
  for (const t of config.targets.filter((t) => t.kind === 'redis' || t.kind === 'postgres')) {
    const u = new URL(t.url);
    const port = Number(u.port) || (t.kind === 'redis' ? 6379 : 5432);
    if (await reachable(u.hostname, port)) continue;
    gone.add(`${t.kind}/${t.name}`);
    notes.push(`${t.kind} is not answering on ${u.hostname}:${port}; its checks are left out (start ${t.kind === 'redis' ? 'redis-server' : 'PostgreSQL'} to include them)`);
  }
  if (gone.size === 0) return notes;
  config.targets = config.targets.filter((t) => !gone.has(`${t.kind}/${t.name}`));
  const kinds = new Set(config.targets.map((t) => t.kind));
  config.criteria = config.criteria.filter((c) => {
    const s = c.ref.scope;
    if (s.type === 'member') return !gone.has(`${s.kind}/${s.name}`);
    return s.type === 'all' || kinds.has(s.kind);
  });
  return notes;
}
