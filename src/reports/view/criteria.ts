import { criterionActual } from '../format-values.js';
import type { Report } from '../model.js';
import { table, type Block } from './blocks.js';

/** Every criterion, implicit ones included: requirement, actual, outcome, grade; and why, for the ones that did not pass. */
export function decisionMatrix(report: Report): Block[] {
  const rows = report.criteria.map((c) => ({
    cells: [c.name, c.expression, criterionActual(c), c.status === 'warn' ? `${c.outcome} (warning)` : c.outcome, c.grade, c.severity],
    status: c.status,
  }));
  const columns = [
    { head: 'Criterion', wrap: true },
    { head: 'Requirement', wrap: true, drop: 2 },
    { head: 'Actual', wrap: true },
    { head: 'Outcome', status: true },
    { head: 'Grade' },
    { head: 'Severity', drop: 1 },
  ];
  const why = report.criteria.filter((c) => c.status !== 'pass' && c.reason && c.actual !== null).map((c) => `${c.name}: ${c.reason}`);
  return [
    { type: 'heading', level: 2, text: 'Decision matrix', aside: `${report.summary.criteria.met}/${report.summary.criteria.total} met` },
    { type: 'table', table: table(columns, rows) },
    ...(why.length ? [{ type: 'notes' as const, items: why }] : []),
  ];
}
