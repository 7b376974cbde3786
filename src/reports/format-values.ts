import type { Unit } from '../results/measurement.js';
import type { ProbeResult } from '../results/result.js';
import type { CriterionResult } from '../results/criterion-result.js';

/** Formatting shared by the text renderers: the same number reads the same in a terminal and in markdown. */
export function formatValue(value: number | null | undefined, unit: Unit): string {
  if (value === null || value === undefined) return 'n/a';
  switch (unit) {
    case 'ms':
      return formatMs(value);
    case 'seconds':
      return value < 120 ? `${round(value)} s` : value < 7200 ? `${round(value / 60)} min` : `${round(value / 3600)} h`;
    case 'percent':
      return `${round(value)}%`;
    case 'bytes':
      return formatBytes(value);
    case 'per_second':
      return `${round(value)}/s`;
    default:
      return `${round(value)}`;
  }
}

export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  // From a second on, seconds: "1.60 s" and "20.0 s" read alike, never "3000 ms" beside "20.0 s".
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${(ms / 1000).toFixed(1)} s`;
}

function formatBytes(b: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (b >= 1024 && i < units.length - 1) {
    b /= 1024;
    i++;
  }
  return `${i === 0 ? b : b.toFixed(1)} ${units[i]}`;
}

function round(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** One line of what a probe found: its error, else its facts and headline measurements. */
export function probeSummary(p: ProbeResult): string {
  if (p.status === 'fail' || p.status === 'skip') return p.error ?? '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(p.details)) {
    if (v === null || v === false || k === 'status_code' || k === 'body_truncated' || k === 'identity') continue;
    const key = k
      .replace(/_/g, ' ')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase();
    parts.push(v === true ? key : `${key} ${v}`); // a fact that holds reads as its name: "jetstream"
  }
  for (const f of p.headline ?? []) parts.push(`${f.label} ${formatValue(f.value, f.unit)}`);
  if (p.warnings.length) parts.push(...p.warnings.map((w) => `⚠ ${w}`));
  const firing = (p.alerts ?? []).filter((a) => a.state === 'firing');
  if (firing.length) parts.push(`firing: ${firing.map(alertText).join('; ')}`);
  return parts.join(', ');
}

/** `EngineDown (critical) on features` */
function alertText(a: NonNullable<ProbeResult['alerts']>[number]): string {
  const about = a.target ? `${a.target}${a.targetOptional ? ' (optional)' : ''}` : (a.labels.instance ?? a.labels.job);
  return `${a.name}${a.severity ? ` (${a.severity})` : ''}${about ? ` on ${about}` : ''}`;
}

export function criterionActual(c: CriterionResult): string {
  return c.actual === null ? `n/a (${c.reason ?? 'not measured'})` : withMargin(c.actual, c.margin, c.unit);
}

/** A value with its error bar, when it has one: `6.0 ms ± 2.1 ms`. */
export function withMargin(value: number, margin: number | undefined, unit: Unit): string {
  return margin ? `${formatValue(value, unit)} ± ${formatValue(margin, unit)}` : formatValue(value, unit);
}

export const STATUS_WORD: Record<string, string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skip: 'SKIP', inconclusive: 'INCONCLUSIVE' };

/** Each verdict as every renderer shows it: its word, an icon for markdown, and its tone (the colour of its banner). */
export const VERDICT_LOOK: Record<string, { icon: string; tone: 'good' | 'bad' | 'unsure' }> = {
  GO: { icon: '✅', tone: 'good' },
  'NO-GO': { icon: '❌', tone: 'bad' },
  INCONCLUSIVE: { icon: '❔', tone: 'unsure' },
};
