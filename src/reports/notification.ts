import { VERDICT_LOOK } from './format-values.js';
import type { Report } from './model.js';

/** What a notification says about a run: the verdict, what stands in its way, and where the report is. */
export interface Notification {
  /** One message for a chat (Slack's incoming webhooks and their clones read `text`). */
  text: string;
  verdict: Report['verdict'];
  platform: string;
  startedAt: string;
  durationMs: number;
  blockers: string[];
  inconclusive: string[];
  followUps: string[];
  recommendation: string;
  /** The report files this run wrote, and a link to the CI job when there is one. */
  reports: string[];
  link?: string;
}

const SHOWN = 5;

/** The notification of a run, from the report model alone. */
export function notificationOf(report: Report, reports: string[], link?: string): Notification {
  const look = VERDICT_LOOK[report.verdict];
  const problems = [...report.blockers, ...report.inconclusive];
  const lines = [
    `${look.icon} *${report.verdict}* · ${report.platform} · ${report.startedAt.replace('T', ' ').slice(0, 16)} UTC`,
    ...problems.slice(0, SHOWN).map((p) => `• ${p}`),
    ...(problems.length > SHOWN ? [`• and ${problems.length - SHOWN} more (in the report)`] : []),
    ...(report.verdict === 'GO' && report.followUps.length ? [`Follow up: ${report.followUps.join('; ')}`] : []),
    ...(reports.length ? [`Report: ${reports.join(', ')}`] : []),
    ...(link ? [`Run: ${link}`] : []),
  ];
  return {
    text: lines.join('\n'),
    verdict: report.verdict,
    platform: report.platform,
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    blockers: report.blockers,
    inconclusive: report.inconclusive,
    followUps: report.followUps,
    recommendation: report.recommendation,
    reports,
    ...(link && { link }),
  };
}
