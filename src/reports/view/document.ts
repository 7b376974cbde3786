import { STATUS_WORD } from '../format-values.js';
import type { Report } from '../model.js';
import { table, type Block } from './blocks.js';
import { decisionMatrix } from './criteria.js';
import { faultBlocks } from './faults.js';
import { loadBlocks } from './load.js';
import { busSection } from './buses.js';
import { executiveSummary, recommendation } from './summary.js';
import { stabilitySection, targetSections } from './targets.js';

/**
 * The reference report's sections, in its order: executive summary, phases, infrastructure and engines,
 * message buses,
 * load (engine response times, concurrent load, arrival rate, operations, soak), process stability,
 * fault tolerance, the decision matrix, and the recommendation.
 */
export function reportDocument(report: Report): Block[] {
  return [
    ...executiveSummary(report),
    ...phaseBlocks(report),
    ...targetSections(report),
    ...busSection(report),
    ...loadBlocks(report),
    ...stabilitySection(report),
    ...faultBlocks(report),
    ...decisionMatrix(report),
    ...recommendation(report),
  ];
}

function phaseBlocks(report: Report): Block[] {
  if (report.phases.length <= 1) return [];
  const rows = report.phases.map((p) => ({ cells: [p.name, STATUS_WORD[p.status], p.reason ?? p.description ?? ''], status: p.status }));
  return [
    { type: 'heading', level: 2, text: 'Phases' },
    { type: 'table', table: table([{ head: 'Phase' }, { head: 'Status', status: true }, { head: 'Notes', wrap: true }], rows) },
  ];
}
