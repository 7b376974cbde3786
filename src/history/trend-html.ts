import { escapeXml as esc } from '../reports/escape.js';
import { CSS } from '../reports/html.js';
import { lineChart } from '../reports/svg-charts.js';
import type { ChartSpec } from '../reports/view/blocks.js';
import type { TrendSeries } from './trend.js';

/** About six dates along the x axis: a month of nightly runs reads 03-01, 03-06, ... */
function dateTicks(points: TrendSeries['points']): [number, string][] {
  const every = Math.max(1, Math.ceil(points.length / 6));
  return points.flatMap((p, i) => (i % every === 0 ? [[i + 1, p.startedAt.slice(5, 10)] as [number, string]] : []));
}

/** One series as a chart: its values run by run, the bound as a dashed line, NOT MET runs marked, change points as labelled lines. */
export function trendChart(s: TrendSeries): ChartSpec {
  const points = s.points.map((p, i) => [i + 1, p.value] as [number, number]);
  const bounds = s.points.filter((p) => p.bound !== undefined);
  const notMet = s.points.flatMap((p, i) => (p.notMet ? [[i + 1, p.value] as [number, number]] : []));
  return {
    title: s.key,
    xLabel: 'run (date, UTC)',
    yLabel: s.key.endsWith('_ms') ? 'ms' : s.key.endsWith('.rps') ? 'requests/s' : 'actual',
    xTicks: dateTicks(s.points),
    series: [
      { name: 'value', points, color: 0 },
      ...(bounds.length
        ? [
            {
              name: 'bound',
              points: [
                [1, bounds[0].bound!],
                [s.points.length, bounds.at(-1)!.bound!],
              ] as [number, number][],
              color: 2,
              dashed: true,
            },
          ]
        : []),
      ...(notMet.length ? [{ name: 'NOT MET', points: notMet, color: 1, pointsOnly: true }] : []),
    ],
    marks: s.changePoints.map((c) => ({
      x: c.index + 1,
      label: `${c.shiftPct > 0 ? '+' : ''}${c.shiftPct.toFixed(1)}% from ${c.startedAt.slice(0, 10)}`,
    })),
  };
}

/**
 * The trend page: the series that moved first (each with its change points), then the steady ones, each a
 * chart drawn by the HTML report's own SVG code. Self-contained: no script, nothing fetched.
 */
export function renderTrendHtml(series: TrendSeries[], place: string): string {
  const moved = series.filter((s) => s.changePoints.length);
  const steady = series.filter((s) => !s.changePoints.length);
  const runs = Math.max(0, ...series.map((s) => s.points.length));
  const section = (title: string, list: TrendSeries[]) =>
    list.length ? `<h2>${esc(title)} <small>${list.length}</small></h2>${list.map((s) => lineChart(trendChart(s))).join('')}` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Trend: ${esc(place)}</title><style>${CSS}</style></head><body>
<header class="${moved.length ? 'unsure' : 'good'}"><h1>Trend of ${runs} run(s)</h1><p>${moved.length} of ${series.length} series moved (change points: E-divisive means, permutation test)</p><p class="meta">${esc(place)}</p></header>
${section('Series that moved', moved)}
${section('Steady series', steady)}
</body></html>
`;
}
