import { fetchCapped } from '../protocols/http/fetch.js';
import type { MetricSpec } from '../results/measurement.js';
import type { ProbeContext, ProbeOutcome } from './types.js';
import { CREDENTIALS_REQUIRED } from './shared-evidence.js';

export const ANONYMOUS_ACCESS_METRICS: Record<string, MetricSpec> = {
  // 1 when a request without credentials is refused (401, 403); 0 when it is answered.
  auth_required: {
    unit: 'count',
    aggregate: 'min',
    label: 'credentials required',
    flag: true,
    evidence: CREDENTIALS_REQUIRED,
  },
};

/**
 * Does this HTTP API answer a stranger? One GET of `path` with no credentials at all (none from the URL,
 * no headers), within a second: 401 or 403 is a refusal, 2xx an answer. Anything else (a redirect to a
 * login page, a 5xx) leaves it unknown, with what it answered. A monitoring API that lets anyone read it
 * shows every service's name, address and alert to whoever can reach it. Asked once: a repeat of the probe
 * under load (a monitor round) does not ask again.
 */
export async function readAnonymousAccess(
  target: { url: string; tlsVerify: boolean },
  path: string,
  ctx: ProbeContext,
  outcome: ProbeOutcome,
): Promise<void> {
  if (ctx.repeat) return;
  const o = { ctx, tlsVerify: target.tlsVerify, budgetMs: Math.min(1000, ctx.timeoutMs) };
  const u = new URL(target.url);
  u.username = u.password = '';
  const base = u.toString().replace(/\/$/, '');
  try {
    o.ctx.stage(`${path} without credentials`);
    const res = await fetchCapped({
      url: base + path,
      method: 'GET',
      headers: {},
      maxBodyBytes: 4096,
      timeoutMs: o.budgetMs,
      tlsVerify: o.tlsVerify,
      signal: o.ctx.signal,
      stage: () => undefined,
    });
    const refused = res.status === 401 || res.status === 403 ? 1 : res.status >= 200 && res.status < 300 ? 0 : undefined;
    if (refused !== undefined) outcome.measurements.push({ metric: 'auth_required', value: refused, unit: 'count' });
    else
      outcome.unmeasured = {
        ...outcome.unmeasured,
        auth_required: `${path} without credentials answered HTTP ${res.status}, neither a refusal nor an answer`,
      };
  } catch (err) {
    if (o.ctx.signal.aborted) throw err;
    outcome.unmeasured = { ...outcome.unmeasured, auth_required: `${path} without credentials failed: ${String((err as Error).message)}` };
  }
}
