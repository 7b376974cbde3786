import type { ProbeResult } from '../results/result.js';
import type { Report } from './model.js';

export interface ProbeSection {
  title: string;
  probes: ProbeResult[];
}

/**
 * The reference report's grouping: platform engines in their own matrix, every other service under
 * infrastructure. Both text renderers use this so they never disagree on what goes where.
 */
export function probeSections(report: Report): ProbeSection[] {
  const engines = report.probes.filter((p) => p.kind === 'engine');
  const infra = report.probes.filter((p) => p.kind !== 'engine');
  return [
    { title: 'Infrastructure health', probes: infra },
    { title: 'Engine matrix', probes: engines },
  ].filter((s) => s.probes.length > 0);
}

/** "9/10 healthy" style counts for a section heading. */
export function healthLine(probes: ProbeResult[]): string {
  const measured = probes.filter((p) => p.status !== 'skip');
  const up = measured.filter((p) => p.status !== 'fail').length;
  const skipped = probes.length - measured.length;
  return `${up}/${measured.length} healthy${skipped ? `, ${skipped} skipped` : ''}`;
}
