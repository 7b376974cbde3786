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

export function readHealthDocument(json: unknown): HealthReading | undefined {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const doc = json as Record<string, unknown>;
  const details: Record<string, string | number> = {};
  for (const key of ['status', 'version']) {
    const v = doc[key];
    if (typeof v === 'string' || typeof v === 'number') details[key] = v;
  }
  const identity = IDENTITY_FIELDS.map((k) => doc[k]).find((v) => typeof v === 'string' || typeof v === 'number');
  if (identity !== undefined) details.identity = String(identity);
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
  if (word === undefined) return reading('pass');
  if (FAIL.has(word)) return reading('fail', `engine reports status "${doc.status}"`);
  const checks = failingChecks(doc.checks);
  if (WARN.has(word)) return reading('warn', `engine reports status "${doc.status}"${checks ? `: ${checks}` : ''}`);
  if (!PASS.has(word)) return reading('warn', `engine reports status "${doc.status}", which is not a word known to mean healthy`);
  return checks ? reading('warn', `engine reports status "${doc.status}" but its checks do not all pass: ${checks}`) : reading('pass');
}

/** health+json `checks`: `{ "redis:connections": [{ "status": "warn", ... }] }`; the components not passing. */
function failingChecks(checks: unknown): string | undefined {
  if (!checks || typeof checks !== 'object') return undefined;
  const bad: string[] = [];
  for (const [component, entries] of Object.entries(checks as Record<string, unknown>)) {
    for (const e of Array.isArray(entries) ? entries : [entries]) {
      const s = (e as { status?: unknown })?.status;
      if (typeof s === 'string' && !PASS.has(s.toLowerCase())) bad.push(`${component} ${s}`);
    }
  }
  return bad.length ? bad.slice(0, 5).join(', ') : undefined;
}
