import { renderReport } from '../reports/formats.js';
import type { Report } from '../reports/model.js';
import { UsageError } from '../errors.js';
import { redactUrl, SECRETS } from '../util/redact.js';
import { note, warn } from '../util/say.js';
import { fetchFailure, withoutCredentials } from './outbound-http.js';

/** A grouping-key value as the Pushgateway's path takes it: plain, or base64url when it holds a slash or is empty. */
function groupValue(name: string, value: string): string {
  if (value && !value.includes('/')) return `${name}/${encodeURIComponent(value)}`;
  return `${name}@base64/${Buffer.from(value).toString('base64url') || '='}`;
}

/** `--push-header "Name: value"` as a header pair; its value is a secret (a token), masked in every output from here on. */
export function pushHeaders(specs: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of specs) {
    const i = h.indexOf(':');
    if (i <= 0) throw new UsageError(`--push-header: expected NAME: VALUE, e.g. --push-header "authorization: Bearer $TOKEN"`);
    const value = h.slice(i + 1).trim();
    SECRETS.add(value);
    SECRETS.add(value.replace(/^(Bearer|Basic|Token)\s+/i, ''));
    out[h.slice(0, i).trim().toLowerCase()] = value;
  }
  return out;
}

/** The push URL, checked before the run: a typo costs nothing then. */
export function checkPush(url: string | undefined, headers?: string[]): void {
  pushHeaders(headers);
  if (url === undefined) return;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--push ${url}: expected the Pushgateway's URL, e.g. http://pushgateway:9091`);
  }
  if (!/^https?:$/.test(u.protocol)) throw new UsageError(`--push ${redactUrl(url)}: expected an http:// or https:// URL`);
}

/**
 * Sends the run's metrics (the same as the textfile: verdict, criteria, probes, percentiles, recoveries)
 * to a Prometheus Pushgateway, the convention for batch jobs: grouped by job `validate` and the platform
 * (and the run's labels), replacing that group's last push. A gateway that is down costs one line, never
 * the reports or the verdict's exit code.
 */
export async function pushMetrics(
  report: Report,
  url: string,
  labels: Record<string, string> = {},
  headerSpecs: string[] = [],
): Promise<void> {
  const { target: bare, authorization, where } = withoutCredentials(new URL(url));
  const base = bare.toString().replace(/\/+$/, '');
  const group = [groupValue('platform', report.platform), ...Object.entries(labels).map(([k, v]) => groupValue(k, v))].join('/');
  const target = `${base}/metrics/job/validate/${group}`;
  try {
    const body = await renderReport(report, 'prometheus', { color: false });
    const res = await fetch(target, {
      method: 'PUT',
      body,
      headers: { 'content-type': 'text/plain; version=0.0.4', ...(authorization && { authorization }), ...pushHeaders(headerSpecs) },
      signal: AbortSignal.timeout(10_000),
    });
    if (res.status === 401 || res.status === 403)
      throw new Error(
        `HTTP ${res.status}: the gateway refused the credentials: check the user and password in the --push URL (or --push-header)`,
      );
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${(await res.text()).trim().slice(0, 200)}`);
    note(`pushed the run's metrics to ${redactUrl(target)}`);
  } catch (err) {
    warn(
      `the run's metrics were not pushed to ${where} (--push): ${fetchFailure(err as Error & { cause?: { code?: string; message?: string } }, where)}`,
    );
  }
}
