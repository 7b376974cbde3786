import type { ProbeResult } from '../results/result.js';
import { formatMs } from '../reports/format-values.js';

/** A target as the user named it on the command line, its kind decided. */
export interface NamedTarget {
  name: string;
  kind: string;
  url: string;
}

/** Faults a starter suggests for a target of this kind, commented out: destructive, and only with --chaos. */
const SUGGESTED_FAULT: Record<string, (name: string) => string> = {
  redis: (n) => `{ name: ${n}-cut, fault: { type: redis-client-kill, target: ${n} }, watch: [${n}] }`,
  postgres: (n) => `{ name: ${n}-sessions, fault: { type: postgres-terminate, target: ${n} }, watch: [${n}] }`,
};
const LOADABLE = new Set(['http', 'engine']);

/**
 * A starter config written from the user's own targets as they answered (each with what the probe found),
 * a latency scenario on the HTTP ones, the criteria a go-live needs, and a commented fault. A password in
 * a URL is never written: it becomes ${NAME_PASSWORD}, read from the environment (`env` lists them).
 */
export function starterFromProbe(targets: NamedTarget[], probes: ProbeResult[], probedAt: string): { text: string; env: string[] } {
  const env: string[] = [];
  const lines = [
    '# yaml-language-server: $schema=./validate.schema.json',
    `# Written by validate init --from-probe on ${probedAt.slice(0, 10)} from the targets as they answered then.`,
    '# Edit it, check it with `validate check validate.yaml`, then run it: `validate run validate.yaml`.',
    'version: 1',
    'platform: My platform',
    '',
    'targets:',
  ];
  for (const t of targets) {
    const { url, variable } = withoutPassword(t.url, t.name);
    if (variable) env.push(variable);
    const found = probes.find((p) => p.name === t.name);
    lines.push(`  - { name: ${t.name}, kind: ${t.kind}, url: ${JSON.stringify(url)} }${found ? `   # ${foundText(found)}` : ''}`);
  }
  const http = targets.filter((t) => LOADABLE.has(t.kind)).map((t) => t.name);
  lines.push('', 'scenarios:');
  if (http.length)
    lines.push(
      '  # Sequential requests to each HTTP target for 10 s: its latency percentiles.',
      `  - { name: latency, kind: latency, targets: [${http.join(', ')}], duration: 10s }`,
    );
  else lines.push('  []  # e.g. { name: latency, kind: latency, targets: [api], duration: 10s } once an HTTP target is here');
  lines.push('', '# GO requires every required target to pass, plus these. severity: warning reports without blocking.', 'criteria:');
  lines.push('  - { name: Every target up, expect: "targets.required_failed == 0" }');
  if (http.length) lines.push('  - { name: Latency, expect: "scenario.p99_ms < 200ms" }');
  const faults = targets.filter((t) => SUGGESTED_FAULT[t.kind]);
  lines.push('', '# Fault experiments change the platform: they run only with --chaos. Uncomment to try one.', '# faults:');
  if (faults.length) lines.push(`#   - ${SUGGESTED_FAULT[faults[0].kind](faults[0].name)}`);
  else lines.push('#   - { name: restart, fault: { type: http-call, url: "http://HOST/admin/restart" }, watch: [NAME] }');
  return { text: `${lines.join('\n')}\n`, env };
}

function foundText(p: ProbeResult): string {
  if (p.status === 'fail') return `FAILED when probed: ${p.error ?? 'no answer'}`;
  return `${p.status} when probed${p.latencyMs === null ? '' : `, ${formatMs(p.latencyMs)}`}`;
}

/** `redis://:s3cret@host` -> `redis://:${CACHE_PASSWORD}@host`: the secret stays in the environment. */
function withoutPassword(raw: string, name: string): { url: string; variable?: string } {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { url: raw };
  }
  if (!u.password) return { url: raw };
  const variable = `${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_PASSWORD`;
  const at = raw.indexOf('@');
  const userEnd = raw.indexOf(':', raw.indexOf('//') + 2);
  return { url: `${raw.slice(0, userEnd + 1)}\${${variable}}${raw.slice(at)}`, variable };
}
