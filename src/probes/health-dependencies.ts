import type { LabelValues, Measurement, MetricSpec } from '../results/measurement.js';

export const DEPENDENCY_METRICS: Record<string, MetricSpec> = {
  // Per dependency the engine reports (label `dependency`): 1 while its check passes or warns, 0 when it fails.
  dependency_up: {
    unit: 'count',
    aggregate: 'min',
    label: 'dependency up',
    labelled: true,
    flag: true,
    evidence: { requirement: 'communication', words: 'dependency up' },
    edge: 'up',
  },
  dependency_latency_ms: { unit: 'ms', aggregate: 'max', label: 'dependency latency', labelled: true, edge: 'latency' },
  dependencies: { unit: 'count', aggregate: 'sum', label: 'dependencies' },
  dependencies_down: {
    unit: 'count',
    aggregate: 'sum',
    label: 'dependencies down',
    evidence: { requirement: 'communication', words: 'dependencies down', worst: 'max' },
  },
};

/** One edge of the platform's graph: this engine to something it needs, as the engine itself reports it. */
export interface DependencyEdge {
  dependency: string;
  state: 'up' | 'warn' | 'down';
  latencyMs?: number;
}

const UP = /^(pass|ok|up|healthy|green|ready|available)$/i;
const WARN = /^(warn|warning|degraded|partial|yellow|unknown)$/i;

/**
 * The edges an engine's health document declares: `checks` of application/health+json (keys
 * `component:measurement`, each a list of {status, observedValue, observedUnit}) or Spring Boot's
 * `components` ({status: UP|DOWN}, nested for composites). A component repeated under several
 * measurements is one edge, down if any says fail, its latency from a `responseTime` in ms.
 */
export function dependencyEdges(doc: Record<string, unknown>): DependencyEdge[] {
  const edges = new Map<string, DependencyEdge>();
  const add = (name: string, status: unknown, latency?: number) => {
    const word = String(status ?? '');
    const state: DependencyEdge['state'] = UP.test(word) ? 'up' : WARN.test(word) ? 'warn' : 'down';
    const prev = edges.get(name);
    const rank = { up: 0, warn: 1, down: 2 };
    edges.set(name, {
      dependency: name,
      state: prev && rank[prev.state] > rank[state] ? prev.state : state,
      latencyMs: latency ?? prev?.latencyMs,
    });
  };
  if (doc.checks && typeof doc.checks === 'object') {
    for (const [key, entries] of Object.entries(doc.checks as Record<string, unknown>)) {
      const [component, measurement] = key.split(':');
      for (const e of (Array.isArray(entries) ? entries : [entries]) as (Record<string, unknown> | string)[]) {
        const entry = (typeof e === 'object' && e) || {};
        const name = typeof entry.componentId === 'string' && !component ? entry.componentId : component;
        const ms =
          measurement === 'responseTime' && typeof entry.observedValue === 'number'
            ? entry.observedUnit === 's'
              ? entry.observedValue * 1000
              : entry.observedValue
            : undefined;
        add(name, typeof e === 'string' ? e : entry.status, ms);
      }
    }
  }
  if (doc.components && typeof doc.components === 'object') springComponents(doc.components as Record<string, unknown>, '', add);
  return [...edges.values()];
}

function springComponents(components: Record<string, unknown>, prefix: string, add: (name: string, status: unknown) => void): void {
  for (const [name, c] of Object.entries(components)) {
    const node = c as { status?: unknown; components?: Record<string, unknown> };
    if (node?.components && typeof node.components === 'object') springComponents(node.components, `${prefix}${name}/`, add);
    else add(prefix + name, node?.status);
  }
}

/** The edges as measurements a criterion reads: each labelled, and how many there are and are down. */
export function edgeMeasurements(edges: DependencyEdge[]): { measurements: Measurement[]; labelValues: LabelValues } {
  const m: Measurement[] = [
    { metric: 'dependencies', value: edges.length, unit: 'count' },
    { metric: 'dependencies_down', value: edges.filter((e) => e.state === 'down').length, unit: 'count' },
  ];
  for (const e of edges) {
    m.push({ metric: 'dependency_up', value: e.state === 'down' ? 0 : 1, unit: 'count', labels: { dependency: e.dependency } });
    if (e.latencyMs !== undefined)
      m.push({ metric: 'dependency_latency_ms', value: e.latencyMs, unit: 'ms', labels: { dependency: e.dependency } });
  }
  const names = edges.map((e) => e.dependency);
  return { measurements: m, labelValues: { dependency_up: { dependency: names }, dependency_latency_ms: { dependency: names } } };
}
