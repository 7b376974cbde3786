import { buildReport, type Report, type ReportInput } from '../reports/model.js';
import type { Redactor } from '../util/redact.js';
import { addHeadlines, addSections, addVerifies } from './headlines.js';

/**
 * The one way a run's results become the report model, whoever produced them (a run, a merge of shards,
 * the workers of one run): each probe and load result gets what its kind says renderers show (its section,
 * its headline facts), then the model is built and scrubbed of secrets.
 */
export function finishReport(input: ReportInput, redactor: Redactor): Report {
  addHeadlines(input.probes);
  addSections(input.scenarios ?? []);
  return buildReport(input, redactor);
}

/** A saved report made current: what a report from an older version lacks is filled in (empty sections, no findings). */
export function upgradeReport(report: Report): Report {
  report.scenarios ??= [];
  report.faults ??= [];
  report.notes ??= [];
  report.blockers ??= [];
  report.inconclusive ??= [];
  report.followUps ??= [];
  report.summary.criteria.inconclusive ??= 0;
  addHeadlines(report.probes ?? []);
  addSections(report.scenarios);
  addVerifies(report.criteria ?? []);
  return report;
}
