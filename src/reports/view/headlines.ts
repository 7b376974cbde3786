import type { Status } from '../../results/result.js';
import type { ScenarioResult } from '../../results/scenario-result.js';
import { formatMs } from '../format-values.js';
import type { Report } from '../model.js';
import { worstStatus } from './rank.js';

export interface Headline {
  /** The section: Targets, a load section's title (Engine response times, Concurrent load...), Fault tolerance. */
  section: string;
  /** Its headline numbers in one sentence. */
  text: string;
  status: Status;
  /** What the line is about, for a renderer that shows some of them. */
  about: 'targets' | 'load' | 'faults' | 'criteria';
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * One line per section of the report with its headline numbers, in report order: what a reader of the
 * terminal summary sees instead of the tables (those are in --detail, the markdown and the HTML).
 */
export function sectionHeadlines(report: Report): Headline[] {
  const out: Headline[] = [];
  const p = report.summary.probes;
  if (p.total) {
    const failing = report.probes.filter((x) => x.status === 'fail').map((x) => `${x.name}${x.required ? '' : ' (optional)'}`);
    const counts = [`${p.pass} pass`, p.warn && `${p.warn} warn`, p.fail && `${p.fail} fail`, p.skip && `${p.skip} skipped`].filter(
      Boolean,
    );
    out.push({
      section: 'Targets',
      text: `${p.total} probed: ${counts.join(', ')}${failing.length ? `; failing: ${failing.join(', ')}` : ''}`,
      // An optional target failing is reported, not blocking: a warning here, as in the verdict.
      status: worstStatus(report.probes.map((x) => (x.status === 'fail' && !x.required ? 'warn' : x.status))),
      about: 'targets',
    });
  }
  const bySection = new Map<string, ScenarioResult[]>();
  for (const s of report.scenarios) {
    const title = s.section?.title ?? 'Load';
    bySection.set(title, [...(bySection.get(title) ?? []), s]);
  }
  for (const [section, results] of bySection)
    out.push({ section, text: loadHeadline(results), status: worstStatus(results.map((r) => r.status)), about: 'load' });
  if (report.faults.length)
    out.push({
      section: 'Fault tolerance',
      text: faultHeadline(report),
      status: worstStatus(report.faults.map((f) => f.status)),
      about: 'faults',
    });
  const c = report.summary.criteria;
  const judged = [
    `${c.met}/${c.total} met`,
    c.notMet && `${c.notMet} not met`,
    c.inconclusive && `${c.inconclusive} not judged`,
    c.warnings && `${c.warnings} warning${c.warnings === 1 ? '' : 's'}`,
  ];
  out.push({
    section: 'Criteria',
    text: judged.filter(Boolean).join(', '),
    status: c.notMet ? 'fail' : c.inconclusive ? 'inconclusive' : c.warnings ? 'warn' : 'pass',
    about: 'criteria',
  });
  return out;
}

/** `6 results, 18,200 requests, worst p99 12.3 ms (md-feed), errors 0.02%, 1 INVALID`. */
function loadHeadline(results: ScenarioResult[]): string {
  if (results.every((r) => r.status === 'skip')) {
    const why = results[0].notes?.[0] ?? 'not run';
    return `${results.length} result${results.length === 1 ? '' : 's'} ${why.startsWith('not run') ? why : `not run: ${why}`}`;
  }
  const requests = results.reduce((a, r) => a + r.requests, 0);
  const errors = results.reduce((a, r) => a + r.errors, 0);
  const measured = results.filter((r) => r.requests > 0);
  const worst = measured.reduce<ScenarioResult | undefined>((w, r) => (!w || r.latencyMs.p99 > w.latencyMs.p99 ? r : w), undefined);
  const invalid = results.filter((r) => r.validity === 'INVALID').length;
  return [
    results.length === 1 ? `${count(requests)} requests` : `${results.length} results, ${count(requests)} requests`,
    worst &&
      `${results.length === 1 ? 'p99' : 'worst p99'} ${formatMs(worst.latencyMs.p99)}${results.length === 1 ? '' : ` (${worst.name})`}`,
    requests && `errors ${((100 * errors) / requests).toFixed(errors ? 2 : 0)}%`,
    invalid && `${invalid} INVALID`,
  ]
    .filter(Boolean)
    .join(', ');
}

/** `3 experiments: 3 recovered, slowest 1.60 s (restart)`, and what did not take effect or was not isolated. */
function faultHeadline(report: Report): string {
  const f = report.faults;
  const ran = f.filter((x) => !x.notRun);
  const recovered = ran.filter((x) => x.recovered && x.tookEffect);
  const slowest = recovered.reduce<(typeof f)[number] | undefined>(
    (w, x) => (!w || (x.recoveryMs ?? 0) > (w.recoveryMs ?? 0) ? x : w),
    undefined,
  );
  const noEffect = ran.filter((x) => !x.tookEffect).length;
  const leaked = ran.filter((x) => !x.isolated).length;
  const facts = [
    ran.length === 0 ? 'not run (give --chaos)' : `${recovered.length} recovered`,
    slowest && `slowest ${formatMs(slowest.recoveryMs)} (${slowest.name})`,
    noEffect && `${noEffect} did not take effect`,
    leaked && `${leaked} not isolated`,
  ].filter(Boolean);
  return `${f.length} experiment${f.length === 1 ? '' : 's'}: ${facts.join(', ')}`;
}
