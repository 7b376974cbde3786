import { formatMs } from '../format-values.js';
import type { Report } from '../model.js';
import { table, type Block, type GraphSpec } from './blocks.js';

type Edge = GraphSpec['edges'][number] & { latencyMs?: number };

/** Every dependency a probe reported, as its kind declares them (`edges` in the model), with the probe's warnings naming it. */
export function dependencyEdgesOf(report: Report): Edge[] {
  return report.probes.flatMap((p) =>
    (p.edges ?? []).map((e) => ({
      from: p.name,
      to: e.to,
      state: !e.up ? ('down' as const) : p.warnings.some((w) => w.includes(e.to)) ? ('warn' as const) : ('up' as const),
      latencyMs: e.latencyMs,
      label: e.latencyMs === undefined ? undefined : formatMs(e.latencyMs),
    })),
  );
}

/**
 * The reference report's "all engines communicating", as the engines themselves report it: one row per
 * edge (engine to what it needs: up, 1.2 ms), and the graph of them in the HTML report.
 */
export function communicationSection(report: Report): Block[] {
  const edges = dependencyEdgesOf(report);
  if (!edges.length) return [];
  const down = edges.filter((e) => e.state === 'down').length;
  const engines = new Set(edges.map((e) => e.from)).size;
  return [
    {
      type: 'heading',
      level: 2,
      text: 'Engines communicating',
      aside: `${edges.length - down}/${edges.length} dependencies up, reported by ${engines} engine(s)`,
    },
    {
      type: 'table',
      table: table(
        [{ head: 'Engine' }, { head: 'Depends on' }, { head: 'State', status: true }, { head: 'Latency', optional: true }],
        edges.map((e) => ({
          cells: [e.from, e.to, e.state.toUpperCase(), e.label ?? ''],
          status: e.state === 'down' ? 'fail' : e.state === 'warn' ? 'warn' : 'pass',
        })),
      ),
    },
    { type: 'graph', graph: { title: 'Dependencies as each engine reports them (dashed: down)', edges } },
  ];
}
