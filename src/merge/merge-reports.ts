import type { Config } from '../config/config.js';
import type { Criterion } from '../criteria/compile.js';
import { judgeRun } from '../criteria/judge.js';
import type { ReportInput } from '../reports/model.js';
import type { CriterionResult } from '../results/criterion-result.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import { criteriaOfReport } from './merge-criteria.js';
import { remeasure } from './merge-measurements.js';
import { mergeResult } from './merge-result.js';
import { checkShards, type ShardFile } from './check-shards.js';

export type { ShardFile };

export interface MergeOptions {
  /** Missing shards make a warning, not a NO-GO. */
  allowPartial: boolean;
  /** Judge with this config's criteria (and its scenarios' own rules) rather than the shards'. */
  config?: Config;
}

/**
 * Shard reports as the one report a single process would have written: every result merged exactly
 * (counts summed, histograms added), probes and faults from the shard that ran them, and the criteria
 * evaluated on the merged measurements. A missing shard is a NO-GO of its own ("incomplete").
 */
export function mergeReports(files: ShardFile[], o: MergeOptions): ReportInput {
  const { total, missing } = checkShards(files, o.config);
  const ordered = [...files].sort((a, b) => a.report.shard!.index - b.report.shard!.index);
  const reports = ordered.map((f) => f.report);
  // Probes, phases and faults are the first shard's that has them (shard 1 ran them, unless it is missing).
  const base = reports.find((r) => r.probes.length > 0) ?? reports[0];
  const shardsOf = new Map<string, ScenarioResult[]>();
  const partsOf = new Map<string, { shard: number; result: ScenarioResult }[]>();
  for (const r of reports) {
    for (const s of r.scenarios) {
      shardsOf.set(s.name, [...(shardsOf.get(s.name) ?? []), s]);
      partsOf.set(s.name, [...(partsOf.get(s.name) ?? []), { shard: r.shard!.index, result: s }]);
    }
  }
  const scenarios = [...partsOf.values()].map(mergeResult);
  remeasure(scenarios, shardsOf, new Map((o.config?.scenarios ?? []).map((s) => [s.name, s])));
  const merged = { probes: base.probes, scenarios, faults: base.faults };
  const notes = [`merged from ${files.length} of ${total} shard reports: ${ordered.map((f) => f.file).join(', ')}`];
  let criteria: Criterion[];
  if (o.config) criteria = o.config.criteria;
  else {
    const compiled = criteriaOfReport(base, merged);
    criteria = compiled.criteria;
    for (const p of compiled.problems) notes.push(`a shard's criterion could not be judged on the merged report: ${p}`);
  }
  const aborted = reports.some((r) => r.aborted);
  const judged = judgeRun(criteria, merged, { aborted, extra: missing.length ? [incomplete(missing, total, o.allowPartial)] : [] });
  return {
    platform: base.platform,
    source: o.config?.source ?? base.source,
    version: base.tool.version,
    startedAt: new Date(Math.min(...reports.map((r) => Date.parse(r.startedAt)))),
    finishedAt: new Date(Math.max(...reports.map((r) => Date.parse(r.finishedAt)))),
    aborted,
    verdict: judged.verdict,
    phases: base.phases,
    probes: base.probes,
    scenarios,
    faults: base.faults,
    criteria: judged.criteria,
    notes: [...notes, ...base.notes.filter((n) => !/^shard \d+\/\d+:/.test(n))],
    mergedFrom: { files: ordered.map((f) => f.file), shards: total, missing },
  };
}

/** The shards that are not there: the whole was not measured, so it cannot pass (unless allowed to be partial). */
function incomplete(missing: number[], total: number, allowPartial: boolean): CriterionResult {
  const which = missing.map((i) => `${i}/${total}`).join(', ');
  return {
    name: 'Every shard merged',
    expression: 'merge.missing_shards == 0',
    severity: allowPartial ? 'warning' : 'critical',
    requirement: '== 0',
    actual: missing.length,
    unit: 'count',
    status: allowPartial ? 'warn' : 'fail',
    outcome: 'NOT MET',
    grade: allowPartial ? 'D' : 'F',
    reason: `incomplete: shard ${which} missing${allowPartial ? ' (--allow-partial: the rest judged on their own)' : ''}`,
    implicit: true,
    key: 'complete-shards',
    category: 'Load',
    subjects: [],
  };
}
