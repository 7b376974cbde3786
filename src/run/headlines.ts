import { probeKindOrUndefined } from '../probes/registry.js';
import { COMMON_METRICS } from '../results/measurement.js';
import type { Fact, ProbeResult, Section } from '../results/result.js';

/** Where a kind that says nothing else is shown: the reference report's infrastructure health. */
export const DEFAULT_SECTION: Section = { title: 'Infrastructure health', order: 1 };

/**
 * Gives each probe result what renderers show without knowing kinds: the section its kind belongs in,
 * and the measurements its kind calls headline, with their labels. Also upgrades an older saved report.
 */
export function addHeadlines(probes: ProbeResult[]): void {
  for (const p of probes) {
    const kind = probeKindOrUndefined(p.kind);
    p.section ??= kind?.section ?? DEFAULT_SECTION;
    const facts: Fact[] = [];
    for (const m of p.measurements) {
      const spec = kind?.metrics[m.metric] ?? COMMON_METRICS[m.metric];
      if (spec?.headline && !m.labels) facts.push({ label: spec.label, value: m.value, unit: m.unit });
    }
    p.headline = facts;
  }
}
