import { PROBE_COLUMNS, type ProbeColumn } from '../../results/measurement.js';
import type { ProbeResult } from '../../results/result.js';
import { formatMs, formatValue, probeSummary, STATUS_WORD } from '../format-values.js';
import type { Report } from '../model.js';
import { table, type Block, type TableColumn } from './blocks.js';

interface ProbeSection {
  title: string;
  probes: ProbeResult[];
}

/**
 * The reference report's grouping (infrastructure health, then the engine matrix), as each probe's kind
 * declared it: every renderer uses this, so none disagrees on what goes where.
 */
export function probeSections(report: Report): ProbeSection[] {
  const bySection = new Map<string, { order: number; probes: ProbeResult[] }>();
  for (const p of report.probes) {
    const s = p.section ?? { title: 'Targets', order: 99 };
    if (!bySection.has(s.title)) bySection.set(s.title, { order: s.order, probes: [] });
    bySection.get(s.title)!.probes.push(p);
  }
  return [...bySection].sort((a, b) => a[1].order - b[1].order).map(([title, s]) => ({ title, probes: s.probes }));
}

/** "9/10 healthy" style counts for a section heading. */
export function healthLine(probes: ProbeResult[]): string {
  const measured = probes.filter((p) => p.status !== 'skip');
  const up = measured.filter((p) => p.status !== 'fail').length;
  const skipped = probes.length - measured.length;
  return `${up}/${measured.length} healthy${skipped ? `, ${skipped} skipped` : ''}`;
}

/** One table per section; CPU, memory and clients get columns when a kind in the section measures them. */
export function targetSections(report: Report): Block[] {
  const out: Block[] = [];
  for (const s of probeSections(report)) {
    const columns: TableColumn[] = [
      { head: 'Status', status: true },
      { head: 'Service', wrap: true },
      { head: 'Kind', drop: 2 },
      { head: 'Target', wrap: true, drop: 1 },
      // At 80 columns the time goes before CPU, memory and clients: a row's details repeat its probe's time.
      { head: 'Time', drop: 3 },
      ...Object.values(PROBE_COLUMNS).map((head) => ({ head, optional: true, drop: 4 })),
      { head: 'Details', wrap: true },
    ];
    const rows = s.probes.map((p) => ({
      cells: [
        STATUS_WORD[p.status],
        p.required ? p.name : `${p.name} (optional)`,
        p.kind,
        p.target,
        formatMs(p.latencyMs),
        ...(Object.keys(PROBE_COLUMNS) as ProbeColumn[]).map((k) =>
          p.columns?.[k] ? formatValue(p.columns[k]!.value, p.columns[k]!.unit) : '',
        ),
        probeSummary(p),
      ],
      status: p.status,
    }));
    out.push({ type: 'heading', level: 2, text: s.title, aside: healthLine(s.probes) }, { type: 'table', table: table(columns, rows) });
  }
  return out;
}

const valueOf = (p: { measurements: { metric: string; value: number; labels?: unknown }[] }, metric: string) =>
  p.measurements.find((m) => m.metric === metric && !m.labels)?.value;

/**
 * Process stability over the run: how often each target answered the monitor's checks, restarts seen
 * (a changed pid or start time), and memory from the first to the last soak window.
 */
export function stabilitySection(report: Report): Block[] {
  const watched = report.probes.filter((p) => valueOf(p, 'uptime_checks') !== undefined);
  if (watched.length === 0) return [];
  const memory = memoryOverSoak(report);
  const rows = watched.map((p) => {
    const uptime = valueOf(p, 'uptime_pct') ?? 0;
    const restarts = valueOf(p, 'restarts_seen');
    const stable = uptime === 100 && !restarts;
    const mem = memory.get(p.name);
    return {
      cells: [
        p.name,
        String(valueOf(p, 'uptime_checks')),
        formatValue(uptime, 'percent'),
        restarts === undefined ? 'not tracked' : String(restarts),
        mem ? `${formatValue(mem[0], 'bytes')} -> ${formatValue(mem[1], 'bytes')}` : '',
        stable ? 'stable' : restarts ? 'restarted' : 'unavailable at times',
      ],
      status: stable ? ('pass' as const) : ('warn' as const),
    };
  });
  const columns: TableColumn[] = [
    { head: 'Target', wrap: true },
    { head: 'Checks', drop: 2 },
    { head: 'Uptime' },
    { head: 'Restarts seen', wrap: true },
    { head: 'Memory (soak start -> end)', optional: true, wrap: true, drop: 1 },
    { head: 'Stability', status: true, wrap: true },
  ];
  return [
    {
      type: 'heading',
      level: 2,
      text: 'Process stability',
      aside: `${rows.filter((r) => r.status === 'pass').length}/${rows.length} stable`,
    },
    {
      type: 'notes',
      items: [
        'Every target re-checked at the monitor interval while the load ran; a restart is a changed process identity (pid, start time) between checks.',
      ],
    },
    { type: 'table', table: table(columns, rows) },
  ];
}

/** Per target, the first and last memory figure (bytes) the soak's windows sampled. */
function memoryOverSoak(report: Report): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>();
  for (const r of report.scenarios) {
    for (const w of r.windows ?? []) {
      for (const t of w.infra) {
        const bytes = t.measurements.find((m) => m.unit === 'bytes')?.value;
        if (bytes === undefined) continue;
        const seen = out.get(t.name);
        out.set(t.name, [seen ? seen[0] : bytes, bytes]);
      }
    }
  }
  return out;
}
