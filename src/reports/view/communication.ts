import { formatMs } from '../format-values.js';
import type { Report } from '../model.js';
import { table, type Block, type GraphSpec } from './blocks.js';

type Edge = GraphSpec['edges'][number] & { latencyMs?: number };

/** Every edge a probe reported: `dependency_up{dependency}` and its latency, from each target that publishes them. */
export function dependencyEdgesOf(report: Report): Edge[] {
  return report.probes.flatMap((p) =>
    p.measurements
      .filter((m) => m.metric === 'dependency_up' && m.labels?.dependency)
      .map((m) => {
        const to = m.labels!.dependency;
        const latency = p.measurements.find((x) => x.metric === 'dependency_latency_ms' && x.labels?.dependency === to)?.value;
        return {
          from: p.name,
          to,
          state: m.value === 0 ? ('down' as const) : p.warnings.some((w) => w.includes(to)) ? ('warn' as const) : ('up' as const),
          latencyMs: latency,
          label: latency === undefined ? undefined : formatMs(latency),
        };
      }),
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
