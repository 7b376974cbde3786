import type { MetricSpec } from '../results/measurement.js';
import { connectPostgres } from '../protocols/postgres.js';
import type { ProbeOutcome } from './types.js';
import { CREDENTIALS_REQUIRED, PLAINTEXT_REFUSED } from './shared-evidence.js';

export const POSTGRES_ACCESS_METRICS: Record<string, MetricSpec> = {
  // 1 when the server asks a client for a password (or refuses one without it); 0 when it lets it in (trust).
  auth_required: {
    unit: 'count',
    aggregate: 'min',
    label: 'password required',
    flag: true,
    evidence: CREDENTIALS_REQUIRED,
  },
  // 1 when a client that does not use TLS is refused (hostssl only); 0 when it is let in.
  tls_required: {
    unit: 'count',
    aggregate: 'min',
    label: 'plaintext refused',
    flag: true,
    evidence: PLAINTEXT_REFUSED,
  },
};

type Attempt = { in: true } | { in: false; code?: string; message: string };

async function attempt(url: string, timeoutMs: number, password?: () => string): Promise<Attempt> {
  try {
    const c = await connectPostgres(url, { timeoutMs, application: 'validate-probe-access', password });
    await c.end().catch(() => undefined);
    return { in: true };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return { in: false, code: e.code, message: String(e.message ?? err).split('\n')[0] };
  }
}

/**
 * Two questions an SRE asks of a database before go-live, each answered by a connection of its own:
 * does it let in a client with no password (the URL's user, the password withheld: a server that never
 * asks for one is `trust`), and does it let in a client in the clear (`sslmode=disable`). A refusal for
 * another reason leaves the answer unknown, never assumed.
 */
export async function readPostgresAccess(url: string, o: { timeoutMs: number; tlsOffered: boolean }, outcome: ProbeOutcome): Promise<void> {
  let asked = false;
  const withheld = new URL(url);
  withheld.password = ''; // pg prefers the URL's password to one given beside it
  const bare = await attempt(withheld.toString(), o.timeoutMs, () => {
    asked = true;
    return '';
  });
  const put = (metric: string, value: number): void => void outcome.measurements.push({ metric, value, unit: 'count' });
  if (bare.in) put('auth_required', 0);
  // pg refuses to start SCRAM without a password ("client password must be a string"): the server asked for one.
  else if (asked || bare.code === '28P01' || /^SASL: /.test(bare.message)) put('auth_required', 1);
  else outcome.unmeasured = { ...outcome.unmeasured, auth_required: `a connection without a password failed otherwise: ${bare.message}` };

  if (!o.tlsOffered) return put('tls_required', 0); // it speaks nothing else
  const u = new URL(url);
  u.searchParams.set('sslmode', 'disable');
  const clear = await attempt(u.toString(), o.timeoutMs);
  if (clear.in) put('tls_required', 0);
  else if (clear.code === '28000' && /no encryption/i.test(clear.message)) put('tls_required', 1);
  else outcome.unmeasured = { ...outcome.unmeasured, tls_required: `a connection without TLS failed otherwise: ${clear.message}` };
}
