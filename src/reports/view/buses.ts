import { BUS_COLUMNS, type BusColumn } from '../../results/measurement.js';
import type { BusFact, ProbeResult } from '../../results/result.js';
import type { ScenarioResult } from '../../results/scenario-result.js';
import { formatValue, STATUS_WORD } from '../format-values.js';
import type { Report } from '../model.js';
import { table, type Block, type TableColumn } from './blocks.js';
import { fmtCount } from './format-load.js';

/**
 * The message buses, one row each: the pub/sub round trip and what it lost, the subscribers of each named
 * channel, each consumer group's lag and pending entries, and the traffic the bus scenarios sent over it.
 */
export function busSection(report: Report): Block[] {
  const buses = report.probes.filter((p) => p.bus?.length);
  const traffic = report.scenarios.filter((s) => s.delivery);
  const named = new Set(buses.map((b) => b.name));
  const unlisted = traffic.filter((s) => !s.targetName || !named.has(s.targetName));
  if (buses.length === 0 && traffic.length === 0) return [];
  const rows = buses.map((p) => ({
    cells: busCells(
      p,
      traffic.filter((s) => s.targetName === p.name),
    ),
    status: p.status,
  }));
  for (const s of unlisted)
    rows.push({ cells: [STATUS_WORD[s.status], s.targetName ?? s.target, '', '', '', '', '', trafficText([s])], status: s.status });
  const columns: TableColumn[] = [
    { head: 'Status', status: true },
    { head: 'Bus', wrap: true },
    ...(Object.keys(BUS_COLUMNS) as BusColumn[]).map((k) => ({
      head: BUS_COLUMNS[k],
      wrap: true,
      optional: true,
      drop: k === 'pending' ? 2 : undefined,
    })),
    { head: 'Traffic', wrap: true, optional: true },
  ];
  return [
    {
      type: 'heading',
      level: 2,
      text: 'Message buses',
      aside: `${buses.filter((b) => b.status !== 'fail').length}/${buses.length} healthy`,
    },
    { type: 'table', table: table(columns, rows) },
  ];
}

function busCells(p: ProbeResult, traffic: ScenarioResult[]): string[] {
  const facts = p.bus ?? [];
  const cell = (column: BusColumn) =>
    facts
      .filter((f) => f.column === column)
      .map((f) => `${labelText(f)}${formatValue(f.value, f.unit)}`)
      .join(', ');
  return [STATUS_WORD[p.status], p.name, ...(Object.keys(BUS_COLUMNS) as BusColumn[]).map(cell), trafficText(traffic)];
}

/** `md:quotes 2`, `orders/risk 0`: which series a value is. */
function labelText(f: BusFact): string {
  if (!f.labels) return '';
  return `${Object.values(f.labels).join('/')} `;
}

function trafficText(results: ScenarioResult[]): string {
  return results
    .map(
      (s) =>
        `${s.name}: ${fmtCount(s.delivery!.delivered)} of ${fmtCount(s.delivery!.published)} delivered, ${fmtCount(s.delivery!.lost)} lost, p99 ${formatValue(s.latencyMs.p99, 'ms')}`,
    )
    .join('; ');
}
