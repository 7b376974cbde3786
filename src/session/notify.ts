import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { Report } from '../reports/model.js';
import { notificationOf } from '../reports/notification.js';
import { SECRETS } from '../util/redact.js';
import { note, warn } from '../util/say.js';
import { fetchFailure, withoutCredentials } from './outbound-http.js';

/** When to notify: on a NO-GO or INCONCLUSIVE (the default), when the verdict changed from the history's last run, or every run. */
export const NOTIFY_ON = ['problems', 'change', 'always'] as const;
export type NotifyOn = (typeof NOTIFY_ON)[number];

interface Hook {
  url: URL;
  /** Slack's incoming webhooks take `{text}` only; every other receiver gets the whole notification (with `text`). */
  body: 'slack' | 'json';
  /** The URL as it may be printed: its path and query are the webhook's secret (Slack's token is in the path). */
  shown: string;
}

/** Every --notify URL checked before the run (a typo costs nothing then), and its secret registered so no output shows it. */
export function checkNotify(urls: string[] | undefined, on: string | undefined, hasHistory: boolean): void {
  for (const u of urls ?? []) hook(u);
  if (on !== undefined && !(NOTIFY_ON as readonly string[]).includes(on))
    throw new UsageError(`--notify-on ${on}: expected one of ${NOTIFY_ON.join(', ')}`);
  if (on === 'change' && !hasHistory)
    throw new UsageError('--notify-on change compares with the last run of the history: give --history PLACE (or VALIDATE_HISTORY)');
}

function hook(spec: string): Hook {
  const m = /^(slack|json):(https?:.*)$/.exec(spec);
  let url: URL;
  try {
    url = new URL(m ? m[2] : spec);
  } catch {
    throw new UsageError(
      '--notify: expected a webhook URL, e.g. https://hooks.slack.com/services/..., or json:https://alerts.example/hook',
    );
  }
  if (!/^https?:$/.test(url.protocol))
    throw new UsageError(`--notify ${url.protocol}//${url.host}/...: expected an http:// or https:// URL`);
  for (const secret of [url.pathname, url.search, url.password, url.username, url.href]) if (secret.length > 1) SECRETS.add(secret);
  const body = m ? (m[1] as Hook['body']) : url.hostname === 'hooks.slack.com' ? 'slack' : 'json';
  return { url, body, shown: `${url.protocol}//${url.host}/***` };
}

/** Whether this run is one to tell people about. */
export function shouldNotify(on: NotifyOn, verdict: Report['verdict'], lastVerdict: string | undefined): boolean {
  if (on === 'always') return true;
  if (on === 'change') return lastVerdict !== undefined && lastVerdict !== verdict;
  return verdict !== 'GO';
}

/**
 * Posts the run's notification to every webhook, each at most 10 s. A delivery that fails costs one line,
 * never the verdict or its exit code; the webhook's secret never appears in any of it.
 */
export async function sendNotifications(report: Report, specs: string[], files: string[]): Promise<void> {
  const e = process.env;
  const link =
    e.GITHUB_SERVER_URL && e.GITHUB_REPOSITORY && e.GITHUB_RUN_ID
      ? `${e.GITHUB_SERVER_URL}/${e.GITHUB_REPOSITORY}/actions/runs/${e.GITHUB_RUN_ID}`
      : undefined;
  const n = notificationOf(
    report,
    files.map((f) => resolve(f)),
    link,
  );
  await Promise.all(
    specs.map(async (spec) => {
      const h = hook(spec);
      const { target, authorization, where } = withoutCredentials(h.url);
      try {
        const res = await fetch(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
          body: JSON.stringify(h.body === 'slack' ? { text: n.text } : n),
          signal: AbortSignal.timeout(10_000),
        });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        note(`notified ${h.shown} of the ${report.verdict}`);
      } catch (err) {
        warn(
          `the notification to ${h.shown} (--notify) was not delivered: ${fetchFailure(err as Error & { cause?: { code?: string; message?: string } }, where)}`,
        );
      }
    }),
  );
}
