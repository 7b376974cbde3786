import type { CriterionResult } from '../../results/criterion-result.js';
import type { FaultResult } from '../../results/fault-result.js';
import { formatMs, STATUS_WORD } from '../format-values.js';
import type { Report } from '../model.js';
import { table, type Block } from './blocks.js';
import { worstStatus } from './rank.js';

/**
 * The reference report's fault tolerance table. A row's status is the experiment's own and that of every
 * criterion that read it, so the table never says PASS beside a NOT MET "faults isolated".
 */
export function faultBlocks(report: Report): Block[] {
  if (report.faults.length === 0) return [];
  const rows = report.faults.map((f) => {
    const on = report.criteria.filter((c) => c.subjects?.includes(`fault.${f.name}`));
    const status = f.status === 'skip' ? 'skip' : worstStatus([f.status, ...on.map((c) => c.status)]);
    return {
      cells: [
        f.name,
        f.status === 'skip' ? f.type : (f.detail ?? f.action),
        f.watched.join(', '),
        recovery(f),
        impact(f),
        traffic(f),
        criteriaCell(on),
        STATUS_WORD[status],
      ],
      status,
    };
  });
  const notes: string[] = [];
  for (const f of report.faults) {
    if (f.witnessRecoveryMs !== undefined)
      notes.push(`${f.name}: the tool's own connection was back after ${formatMs(f.witnessRecoveryMs)}`);
    if (f.error) notes.push(`${f.name}: ${f.error}`);
  }
  const columns = [
    { head: 'Fault', wrap: true },
    { head: 'Action', wrap: true, drop: 1 },
    { head: 'Watched', wrap: true, drop: 2 },
    { head: 'Recovery time', wrap: true },
    { head: 'System impact', wrap: true },
    { head: 'Messages', wrap: true, optional: true, drop: 4 },
    { head: 'Criteria', wrap: true, drop: 3 },
    { head: 'Status', status: true },
  ];
  const passed = rows.filter((r) => r.status === 'pass').length;
  return [
    { type: 'heading', level: 2, text: 'Fault tolerance', aside: `${passed}/${rows.length} passed` },
    { type: 'table', table: table(columns, rows) },
    ...(notes.length ? [{ type: 'notes' as const, items: notes }] : []),
  ];
}

/** What the messages published during the fault went through, when it ran during a bus scenario. */
function traffic(f: FaultResult): string {
  const t = f.traffic;
  if (!t) return '';
  const gap = t.gapMs === null ? 'nothing delivered after it' : `longest gap ${formatMs(t.gapMs)}`;
  const refused = t.refused ? `, ${t.refused.toLocaleString('en-US')} refused by the bus` : '';
  return `${t.lost.toLocaleString('en-US')} of ${t.published.toLocaleString('en-US')} lost${refused} (${t.scenario}); ${gap}`;
}

function recovery(f: FaultResult): string {
  if (f.status === 'skip') return '—';
  if (f.inconclusive || !f.tookEffect) return 'did not take effect';
  if (f.recoveryMs === null) return 'not recovered';
  return f.disruptionSeen ? formatMs(f.recoveryMs) : 'no disruption seen (absorbed)';
}

function impact(f: FaultResult): string {
  if (f.status === 'skip') return '—';
  if (f.inconclusive || !f.tookEffect) return 'nothing was tested';
  // Isolation is one of the checks: a row that failed another (its recovery, a criterion) must not read as all clear.
  if (f.isolated) return f.status === 'fail' ? 'no other target failed (it failed its other checks)' : 'isolated: no other target failed';
  return `also failed: ${f.affected.join(', ')}`;
}

/** "2/2 met", or the criteria on it that were not. */
function criteriaCell(on: CriterionResult[]): string {
  if (on.length === 0) return '—';
  if (on.every((c) => c.status === 'skip')) return 'not run';
  const bad = on.filter((c) => c.status !== 'pass' && c.status !== 'skip');
  if (bad.length === 0) return `${on.filter((c) => c.status === 'pass').length}/${on.length} met`;
  return bad.map((c) => `${c.name}: ${c.outcome}`).join('; ');
}
