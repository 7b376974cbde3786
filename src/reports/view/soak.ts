import type { ScenarioResult } from '../../results/scenario-result.js';
import type { WindowResult } from '../../results/window-result.js';
import { formatMs } from '../format-values.js';
import { timeLabel } from '../ticks.js';
import { table, type Block } from './blocks.js';
import { fmtCount, fmtRate } from './format-load.js';
import { MIN_TIMED_MS } from './load-charts.js';

/** A soak's windows: one row each, with how the infrastructure stood at the window's end; and its drift. */
export function windowBlocks(r: ScenarioResult): Block[] {
  const ws = r.windows ?? [];
  const rows = ws.map((w) => {
    const down = w.infra.filter((i) => i.status === 'fail').map((i) => i.name);
    const infra = w.infra.length === 0 ? '—' : down.length ? `down: ${down.join(', ')}` : `${w.infra.length}/${w.infra.length} up`;
    return {
      cells: [
        String(w.index),
        timeLabel(w.startMs / 1000, w.durationMs / 1000),
        fmtCount(w.requests),
        w.errors ? `${fmtCount(w.errors)} (${w.errorRate.toFixed(2)}%)` : '0',
        fmtRate(w.rps),
        formatMs(w.latencyMs.p50),
        formatMs(w.latencyMs.p99),
        formatMs(w.latencyMs.max),
        infra,
      ],
      status: down.length || w.errors ? ('warn' as const) : undefined,
    };
  });
  const m = Object.fromEntries(r.measurements.map((x) => [x.metric, x.value]));
  const cols = ['Window', 'From', 'Requests', 'Errors', 'RPS', 'p50', 'p99', 'Max', 'Infrastructure'].map((head) => ({
    head,
    wrap: head === 'Infrastructure',
    drop: head === 'Max' ? 1 : head === 'From' ? 2 : undefined,
  }));
  return [
    { type: 'heading', level: 3, text: `${r.name}: stability over ${ws.length} windows` },
    { type: 'table', table: table(cols, rows) },
    {
      type: 'notes',
      items: [
        `${r.name}: p99 drift first to last window ${(m.p99_drift_pct ?? 0).toFixed(1)}%, worst window p99 ${formatMs(m.worst_window_p99_ms ?? 0)}, worst window error rate ${(m.worst_window_error_pct ?? 0).toFixed(2)}%, largest throughput drop between windows ${(m.max_throughput_drop_pct ?? 0).toFixed(1)}%`,
      ],
    },
    // Charts over windows only for a soak of ten seconds or more, as for every chart over time (load-charts.ts).
    ...windowCharts(r, ws),
  ];
}

function windowCharts(r: ScenarioResult, ws: WindowResult[]): Block[] {
  if (r.durationMs < MIN_TIMED_MS) return [];
  return [
    {
      type: 'charts',
      charts: [
        {
          title: `${r.name}: latency per window`,
          xLabel: 'window',
          yLabel: 'ms',
          series: [
            { name: 'p99', points: ws.map((w) => [w.index, w.latencyMs.p99]), color: 1 },
            { name: 'p50', points: ws.map((w) => [w.index, w.latencyMs.p50]), color: 0 },
          ],
        },
        {
          title: `${r.name}: throughput per window`,
          xLabel: 'window',
          yLabel: 'requests/s',
          series: [{ name: 'requests/s', points: ws.map((w) => [w.index, w.rps]), color: 2 }],
        },
      ],
    },
  ];
}
