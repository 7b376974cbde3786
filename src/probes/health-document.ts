import { dependencyEdges } from './health-dependencies.js';
/**
 * What an engine says about itself in its health document: the IETF draft's `application/health+json`
 * (`status`: pass | warn | fail, `checks` keyed `component:measurement`) and the words engines use in
 * practice. A word that is not known to mean healthy is a warning, never a silent pass.
 */
const PASS = new Set([
  'pass',
  'ok',
  'healthy',
  'up',
  'green',
  'ready',
  'running',
  'serving',
  'alive',
  'available',
  'online',
  'good',
  'success',
  'operational',
]);
const WARN = new Set([
  'warn',
  'warning',
  'degraded',
  'partial',
  'yellow',
  'limited',
  'impaired',
  'slow',
  'partial_outage',
  'partially_degraded',
]);
const FAIL = new Set([
  'fail',
  'failed',
  'failure',
  'down',
  'unhealthy',
  'error',
  'maintenance',
  'stopped',
  'critical',
  'red',
  'outage',
  'major_outage',
  'offline',
  'unavailable',
  'dead',
  'starting',
  'stopping',
  'shutting_down',
  'draining',
]);

export interface HealthReading {
  verdict: 'pass' | 'warn' | 'fail';
  /** Why it is not a pass, in one line. */
  why?: string;
  details: Record<string, string | number>;
  uptimeSeconds?: number;
}

/** Fields engines use for the process behind them; a change between two checks is a restart. */
const IDENTITY_FIELDS = ['instance_id', 'instanceId', 'pid', 'started_at', 'startedAt', 'start_time'];

/** What the document says of itself: its status and version, and the field that names the process behind it. */
function detailsOf(doc: Record<string, unknown>): Record<string, string | number> {
  const details: Record<string, string | number> = {};
  for (const key of ['status', 'version']) {
    const v = doc[key];
    if (typeof v === 'string' || typeof v === 'number') details[key] = v;
  }
  const identity = IDENTITY_FIELDS.map((k) => doc[k]).find((v) => typeof v === 'string' || typeof v === 'number');
  if (identity !== undefined) details.identity = String(identity);
  return details;
}

export function readHealthDocument(json: unknown): HealthReading | undefined {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const doc = json as Record<string, unknown>;
  const details = detailsOf(doc);
  const uptime = doc.uptime_seconds ?? doc.uptime;
  const uptimeSeconds = typeof uptime === 'number' ? uptime : undefined;
  const reading = (verdict: HealthReading['verdict'], why?: string): HealthReading => ({ verdict, why, details, uptimeSeconds });
  const word =
    typeof doc.status === 'string'
      ? doc.status
          .trim()
          .toLowerCase()
          .replace(/[\s-]+/g, '_')
      : undefined;
  const edges = dependencyEdges(doc);
  const down = edges.filter((e) => e.state === 'down').map((e) => e.dependency);
  const warn = edges.filter((e) => e.state === 'warn').map((e) => e.dependency);
  const list = (names: string[]) => names.slice(0, 5).join(', ');
  if (word !== undefined && FAIL.has(word)) return reading('fail', `engine reports status "${doc.status}"`);
  // Up while what it needs is down is not healthy: its requests will fail however well it answers /health.
  if (down.length)
    return reading(
      'fail',
      `${down.length > 1 ? 'dependencies' : 'dependency'} ${list(down)} down, as the engine's own health checks report`,
    );
  if (word === undefined) return warn.length ? reading('warn', `dependency ${list(warn)} degraded`) : reading('pass');
  const checks = warn.length ? `${list(warn)} degraded` : undefined;
  if (WARN.has(word)) return reading('warn', `engine reports status "${doc.status}"${checks ? `: ${checks}` : ''}`);
  if (!PASS.has(word)) return reading('warn', `engine reports status "${doc.status}", which is not a word known to mean healthy`);
  return checks ? reading('warn', `engine reports status "${doc.status}" but its checks do not all pass: ${checks}`) : reading('pass');
}
