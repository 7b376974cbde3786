import type { TargetBase } from '../fields/target.js';
import { PROBES } from '../probes/registry.js';
import type { ProbeResult } from '../results/result.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
/** Each URL scheme's default port, as the probe kind that owns the scheme declares it. */
const PORTS: Record<string, number> = Object.assign({}, ...PROBES.map((p) => p.ports ?? {}));

/** `host:port` with loopback spellings made one, so `localhost:8500` and `127.0.0.1:8500` meet. */
function endpointKey(host: string, port: string): string {
  const h = host.toLowerCase();
  return `${LOOPBACK.has(h) ? 'loopback' : h}:${port}`;
}

function keyOfUrl(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.hostname ? endpointKey(u.hostname, u.port || String(PORTS[u.protocol.slice(0, -1)] ?? '')) : undefined;
  } catch {
    return undefined;
  }
}

function keyOfInstance(instance: string): string | undefined {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(instance);
  return m ? endpointKey(m[1], m[2]) : undefined;
}

/**
 * Says which config target each alert is about: the target whose host:port is the alert's `instance`
 * label. Then an alert about an optional target (an engine in maintenance) reads as that in the report.
 */
export function pointAlertsAtTargets(probes: ProbeResult[], targets: TargetBase[]): void {
  const byEndpoint = new Map<string, TargetBase>();
  for (const t of targets) {
    const k = keyOfUrl(t.url);
    if (k && !byEndpoint.has(k)) byEndpoint.set(k, t);
  }
  for (const p of probes) {
    for (const a of p.alerts ?? []) {
      const k = a.labels.instance ? keyOfInstance(a.labels.instance) : undefined;
      const t = k ? byEndpoint.get(k) : undefined;
      if (!t) continue;
      a.target = t.name;
      if (!t.required) a.targetOptional = true;
    }
  }
}
