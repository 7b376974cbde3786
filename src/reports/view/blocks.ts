import type { Status } from '../../results/result.js';
import type { Column } from '../fit-table.js';

/**
 * The report as a person reads it, before any format: headings, tables, notes and charts in order.
 * Built once from the report model (`document.ts`); the terminal, markdown and HTML renderers only lay
 * these blocks out, so the three never disagree on what a section holds.
 */
export type Block =
  | { type: 'heading'; level: 2 | 3; text: string; aside?: string }
  | { type: 'table'; table: TableBlock }
  | { type: 'notes'; items: string[] }
  | { type: 'list'; title: string; items: string[] }
  | { type: 'chart'; chart: ChartSpec }
  | { type: 'charts'; charts: ChartSpec[] }
  | { type: 'graph'; graph: GraphSpec };

/** Who talks to whom: drawn only by the HTML renderer (the text formats list the same edges in a table). */
export interface GraphSpec {
  title: string;
  edges: { from: string; to: string; state: 'up' | 'warn' | 'down'; label?: string }[];
}

export interface TableColumn extends Column {
  /** The cell is a status word, painted by its row's status. */
  status?: boolean;
  /** Left out when no row has a value in it (no SLA column when no result has an SLA). */
  optional?: boolean;
}

export interface TableRow {
  cells: string[];
  /** Colours the row (terminal: its status cells; HTML: the row); absent for a neutral row. */
  status?: Status;
  /** A row that belongs to the one above (a mix's endpoint under its total). */
  child?: boolean;
}

export interface TableBlock {
  columns: TableColumn[];
  rows: TableRow[];
}

export interface ChartSeries {
  name: string;
  points: [number, number][];
  /** Drawn dashed: numbers the tool could not vouch for (an INVALID result). */
  dashed?: boolean;
  /** Index into the palette; the same series keeps its colour across charts. */
  color?: number;
  /** Points marked, not joined (the runs whose criterion was NOT MET). */
  pointsOnly?: boolean;
}

/** A line chart, drawn only by the HTML renderer (the text formats carry the same numbers in tables). */
export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  /** Fixed x tick labels (position, text), e.g. the percentile axis. */
  xTicks?: [number, string][];
  yLog?: boolean;
  /** x values are seconds from the start: ticks read 0:30, 1:00. */
  xTime?: boolean;
  /** Said under the chart: what it leaves out, or how its points were made. */
  note?: string;
  /** Vertical lines at these x values, each with its label (a change point: "+30% from 2026-10-31"). */
  marks?: { x: number; label: string }[];
}

/** The table without its optional columns that no row fills: closed-model results have no "rate asked" column. */
export function table(columns: TableColumn[], rows: TableRow[]): TableBlock {
  const used = columns.map((c, i) => !c.optional || rows.some((r) => (r.cells[i] ?? '') !== ''));
  return { columns: columns.filter((_, i) => used[i]), rows: rows.map((r) => ({ ...r, cells: r.cells.filter((_, i) => used[i]) })) };
}
