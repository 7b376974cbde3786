import { probeKindOrUndefined } from '../probes/registry.js';
import { COMMON_METRICS } from '../results/measurement.js';
import { DEFAULT_SECTION } from '../probes/types.js';
import type { Fact, ProbeResult } from '../results/result.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import { SCENARIOS } from '../scenarios/registry.js';

/** Load results of a kind no longer known (a report from another version) are shown under this. */
const OTHER_LOAD: ScenarioResult['section'] = { title: 'Load', order: 19 };

/** Gives each load result the report section of its scenario kind (also upgrades an older saved report). */
export function addSections(results: ScenarioResult[]): void {
  for (const r of results) r.section ??= SCENARIOS.find((k) => k.kind === r.kind)?.section ?? OTHER_LOAD;
}

/**
 * Gives each probe result what renderers show without knowing kinds: the section its kind belongs in,
 * and the measurements its kind calls headline, with their labels. Also upgrades an older saved report.
 */
export function addHeadlines(probes: ProbeResult[]): void {
  for (const p of probes) {
    const kind = probeKindOrUndefined(p.kind);
    p.section ??= kind?.section ?? DEFAULT_SECTION;
    const facts: Fact[] = [];
    const columns: NonNullable<ProbeResult['columns']> = {};
    const bus: NonNullable<ProbeResult['bus']> = [];
    for (const m of p.measurements) {
      const spec = kind?.metrics[m.metric] ?? COMMON_METRICS[m.metric];
      if (spec?.busColumn && (m.labels || !spec.labelled))
        bus.push({ column: spec.busColumn, label: spec.label, value: m.value, unit: m.unit, ...(m.labels && { labels: m.labels }) });
      if (!spec || m.labels) continue;
      if (spec.column) columns[spec.column] = { label: spec.label, value: m.value, unit: m.unit };
      else if (spec.headline) facts.push({ label: spec.label, value: m.value, unit: m.unit });
    }
    p.headline = facts;
    p.columns = columns;
    if (bus.length) p.bus = bus;
  }
}
