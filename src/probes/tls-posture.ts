import { z } from 'zod';
import { endpointOf } from '../protocols/network-errors.js';
import { inspectTls, type TlsFacts, type TlsStart } from '../protocols/tls-handshake.js';
import type { Measurement, MetricSpec } from '../results/measurement.js';
import type { ProbeOutcome } from './types.js';

const DAY_MS = 86_400_000;

/**
 * How close to its expiry a served certificate may be: a warning from `warnDays`, a failure under
 * `minDays` (21 and 7 by default, as blackbox_exporter and Gatus users set their alerts): a certificate
 * that expires in five days is a go-live blocker, however well the platform answers today.
 */
export const certificateField = z
  .strictObject({
    warnDays: z.number().nonnegative().default(21).meta({ description: 'Warn when the certificate expires within this many days' }),
    minDays: z.number().nonnegative().default(7).meta({ description: 'Fail when it expires within this many days' }),
  })
  .default({ warnDays: 21, minDays: 7 })
  .meta({ description: 'TLS: how many days of validity the served certificate must have left' });

export type CertificateBounds = z.output<typeof certificateField>;

export const CERTIFICATE_METRICS: Record<string, MetricSpec> = {
  // 1 when the target speaks TLS on the probed endpoint.
  tls_enabled: { unit: 'count', aggregate: 'min', label: 'TLS on', flag: true, evidence: { requirement: 'security', words: 'TLS' } },
  // 1 when a verifying client accepts the chain for this host name.
  tls_valid: {
    unit: 'count',
    aggregate: 'min',
    label: 'certificate trusted',
    flag: true,
    evidence: { requirement: 'security', words: 'certificate trusted' },
  },
  // 1.2, 1.3: the protocol version the handshake settled on.
  tls_version: { unit: 'number', aggregate: 'min', label: 'TLS version' },
  tls_expires_in_days: {
    unit: 'number',
    aggregate: 'min',
    label: 'days until the certificate expires',
    headline: true,
    evidence: { requirement: 'security', words: 'soonest certificate expiry', worst: 'min', unit: 'days' },
  },
  tls_self_signed: { unit: 'count', aggregate: 'sum', label: 'self-signed certificates' },
};

/** The certificate's facts and numbers on the outcome, and a warning or failure when it expires too soon. */
export function judgeCertificate(tls: TlsFacts, bounds: CertificateBounds, outcome: ProbeOutcome, now = Date.now()): void {
  const days = (tls.expiresAt - now) / DAY_MS;
  const version = Number(/^TLSv(\d(?:\.\d)?)$/.exec(tls.protocol)?.[1]);
  const m: Measurement[] = [
    { metric: 'tls_enabled', value: 1, unit: 'count' },
    ...(tls.valid === undefined ? [] : [{ metric: 'tls_valid', value: tls.valid ? 1 : 0, unit: 'count' as const }]),
    ...(Number.isFinite(version) ? [{ metric: 'tls_version', value: version, unit: 'number' as const }] : []),
    { metric: 'tls_expires_in_days', value: Math.round(days * 100) / 100, unit: 'number' },
    { metric: 'tls_self_signed', value: tls.selfSigned ? 1 : 0, unit: 'count' },
  ];
  outcome.measurements.push(...m);
  Object.assign(outcome.details, {
    tls: `${tls.protocol} ${tls.cipher}`,
    ...(tls.selfSigned && { self_signed_certificate: true }),
    ...(tls.valid === false && { certificate_not_trusted: tls.invalidBecause ?? true }),
  });
  const when = new Date(tls.expiresAt).toISOString().slice(0, 10);
  const left = days <= 0 ? `expired on ${when}` : `expires in ${days.toFixed(1)} days (${when})`;
  if (days < bounds.minDays) {
    outcome.status = 'fail';
    outcome.error = [outcome.error, `TLS certificate ${left}: under the ${bounds.minDays} days required; renew it before go-live`]
      .filter(Boolean)
      .join('; ');
  } else if (days < bounds.warnDays) {
    outcome.warnings = [...(outcome.warnings ?? []), `TLS certificate ${left}: renew it within ${bounds.warnDays} days of expiry`];
    if (outcome.status === 'pass') outcome.status = 'warn';
  }
}

/**
 * The TLS a non-HTTP target offers (rediss, PostgreSQL's SSLRequest, NATS, wss), read by a handshake of its
 * own that trusts nothing first, then judged as an https certificate is. A server that offers no TLS there
 * says so (`tls_enabled` 0); one whose handshake does not finish within the budget leaves the TLS metrics
 * unmeasured with why, and warns.
 */
export async function readTlsPosture(
  url: string,
  start: TlsStart,
  o: { defaultPort: number; bounds: CertificateBounds; budgetMs: number },
  outcome: ProbeOutcome,
): Promise<void> {
  const at = endpointOf(url, o.defaultPort);
  try {
    const seen = await inspectTls(String(at.host), Number(at.port), start, o.budgetMs);
    if (!seen.offered || !seen.facts) {
      outcome.measurements.push({ metric: 'tls_enabled', value: 0, unit: 'count' });
      outcome.details.tls = 'none';
      return;
    }
    judgeCertificate(seen.facts, o.bounds, outcome);
    if (seen.facts.valid === false) {
      outcome.warnings = [...(outcome.warnings ?? []), `TLS certificate not trusted by a verifying client: ${seen.facts.invalidBecause}`];
      if (outcome.status === 'pass') outcome.status = 'warn';
    }
  } catch (err) {
    const why = `TLS could not be read: ${String((err as Error).message)}`;
    outcome.unmeasured = { ...outcome.unmeasured, ...Object.fromEntries(Object.keys(CERTIFICATE_METRICS).map((k) => [k, why])) };
    outcome.warnings = [...(outcome.warnings ?? []), why];
    if (outcome.status === 'pass') outcome.status = 'warn';
  }
}
