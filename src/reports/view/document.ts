import { formatMs, STATUS_WORD } from '../format-values.js';
import type { Report } from '../model.js';
import { table, type Block } from './blocks.js';
import { decisionMatrix } from './criteria.js';
import { faultBlocks } from './faults.js';
import { loadBlocks } from './load.js';
import { busSection } from './buses.js';
import { monitoringSection } from './monitoring.js';
import { checklistSection } from './checklist.js';
import { sinceSection } from './since.js';
import { communicationSection } from './communication.js';
import { executiveSummary, recommendation } from './summary.js';
import { stabilitySection, targetSections } from './targets.js';

/**
 * The reference report's sections, in its order: executive summary, phases, infrastructure and engines
 * (and the edges between them), message buses, load (engine response times, concurrent load, arrival
 * rate, scaling, operations, soak), process stability, fault tolerance, monitoring, the go-live checklist,
 * the decision matrix, and the recommendation.
 */
export function reportDocument(report: Report): Block[] {
  return [
    ...executiveSummary(report),
    ...sinceSection(report),
    ...phaseBlocks(report),
    ...targetSections(report),
    ...communicationSection(report),
    ...busSection(report),
    ...loadBlocks(report),
    ...stabilitySection(report),
    ...faultBlocks(report),
    ...monitoringSection(report),
    ...checklistSection(report),
    ...decisionMatrix(report),
    ...recommendation(report),
  ];
}

/**
 * The phased deployment plan as the run followed it: each phase with its targets, how long its slowest
 * probe took, and its outcome (a later phase is skipped when an earlier one failed).
 */
function phaseBlocks(report: Report): Block[] {
  if (report.phases.length <= 1) return []; // one phase is no plan: every target at once
  const rows = report.phases.map((p) => {
    const probes = report.probes.filter((x) => x.phase === p.name);
    const took = Math.max(0, ...probes.map((x) => x.latencyMs ?? 0));
    const failing = probes.filter((x) => x.status === 'fail').map((x) => x.name);
    return {
      cells: [
        p.name,
        probes.map((x) => x.name).join(', '),
        probes.some((x) => x.latencyMs !== null) ? formatMs(took) : '',
        STATUS_WORD[p.status],
        p.reason ?? (failing.length ? `failing: ${failing.join(', ')}` : (p.description ?? '')),
      ],
      status: p.status,
    };
  });
  return [
    { type: 'heading', level: 2, text: 'Phased deployment', aside: `${report.phases.length} phase(s), in order` },
    {
      type: 'table',
      table: table(
        [
          { head: 'Phase' },
          { head: 'Targets', wrap: true },
          { head: 'Slowest probe', optional: true },
          { head: 'Outcome', status: true },
          { head: 'Notes', wrap: true, optional: true },
        ],
        rows,
      ),
    },
  ];
}
