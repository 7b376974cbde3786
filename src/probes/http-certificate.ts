import { z } from 'zod';
import type { TlsFacts } from '../protocols/http/fetch.js';
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
  .meta({ description: 'https: how many days of validity the served certificate must have left' });

export type CertificateBounds = z.output<typeof certificateField>;

export const CERTIFICATE_METRICS: Record<string, MetricSpec> = {
  tls_expires_in_days: { unit: 'number', aggregate: 'min', label: 'days until the certificate expires', headline: true },
  tls_self_signed: { unit: 'count', aggregate: 'sum', label: 'self-signed certificates' },
};

/** The certificate's facts and numbers on the outcome, and a warning or failure when it expires too soon. */
export function judgeCertificate(tls: TlsFacts, bounds: CertificateBounds, outcome: ProbeOutcome, now = Date.now()): void {
  const days = (tls.expiresAt - now) / DAY_MS;
  const m: Measurement[] = [
    { metric: 'tls_expires_in_days', value: Math.round(days * 100) / 100, unit: 'number' },
    { metric: 'tls_self_signed', value: tls.selfSigned ? 1 : 0, unit: 'count' },
  ];
  outcome.measurements.push(...m);
  Object.assign(outcome.details, { tls: `${tls.protocol} ${tls.cipher}`, ...(tls.selfSigned && { self_signed_certificate: true }) });
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
