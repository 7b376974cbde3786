import type { CriterionSpec } from '../criteria/compile.js';
import type { Security } from '../fields/target.js';
import { PROBES, probeKindOrUndefined } from '../probes/registry.js';
import type { PathIssue } from './cross-check.js';
import type { Path } from './locate.js';
import type { View } from './view.js';

/** Each requirement of `security`, and the measurements that prove it (the first of which a kind must have). */
const REQUIREMENTS = {
  auth: { metrics: ['auth_required'], name: 'requires credentials', inWords: 'refuses clients without credentials' },
  tls: { metrics: ['tls_enabled', 'tls_required'], name: 'requires TLS', inWords: 'speaks TLS and refuses clients in the clear' },
} as const;

/** Kinds whose probe can tell a requirement, for the message when a target's kind cannot. */
function kindsThatTell(metric: string): string {
  return PROBES.filter((p) => metric in p.metrics)
    .map((p) => p.kind)
    .join(', ');
}

/**
 * The criteria `security` implies: one per target and requirement, over the measurement that proves it
 * (`redis.cache.auth_required == 1`). Top-level `security` applies to every target whose kind can tell; a
 * target's own `security` asking what its kind cannot tell is a config error at that line.
 */
export function securityCriteria(view: View, issues: PathIssue[]): (CriterionSpec & { path: Path })[] {
  const out: (CriterionSpec & { path: Path })[] = [];
  for (const t of view.targets) {
    if (t.unparsed) continue;
    const kind = probeKindOrUndefined(t.kind);
    if (!kind) continue;
    const wanted: Security = { ...view.security, ...t.security };
    for (const key of ['auth', 'tls'] as const) {
      if (wanted[key] !== 'required') continue;
      const req = REQUIREMENTS[key];
      const own = t.security?.[key] === 'required';
      const path: Path = own ? ['targets', t.index, 'security', key] : ['security', key];
      const metrics = req.metrics.filter((m) => m in kind.metrics);
      if (metrics[0] !== req.metrics[0]) {
        if (own)
          issues.push({
            path,
            message: `a ${t.kind} target cannot tell whether it ${req.inWords} (kinds that can: ${kindsThatTell(req.metrics[0])})`,
          });
        continue;
      }
      for (const metric of metrics)
        out.push({
          key: `security-${key}`,
          name: `${t.name} ${req.name}${metric === 'tls_required' ? ' (plaintext refused)' : ''}`,
          inWords: `${t.name} ${req.inWords}`,
          expect: `${t.kind}.${t.name}.${metric} == 1`,
          severity: 'critical',
          category: 'Security',
          path,
        });
    }
  }
  return out;
}
