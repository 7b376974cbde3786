import { escapeXml as esc } from '../reports/escape.js';
import { CSS } from '../reports/html.js';
import { lineChart } from '../reports/svg-charts.js';
import type { ChartSpec } from '../reports/view/blocks.js';
import { changeText, runTime, type TrendSeries } from './trend.js';

/** About six dates along the x axis (a month of nightly runs reads 03-01, 03-06, ...); four when runs share a day and the time is shown. */
function dateTicks(points: TrendSeries['points']): [number, string][] {
  const times = points.map((p) => p.startedAt);
  const labels = times.map((t) => runTime(t, times, true));
  const every = Math.max(1, Math.ceil(points.length / (labels[0].length > 5 ? 4 : 6)));
  return labels.flatMap((l, i) => (i % every === 0 ? [[i + 1, l] as [number, string]] : []));
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
      ...(s.outliers.length
        ? [
            {
              name: 'outlier night (set aside)',
              points: s.outliers.map((i) => [i + 1, s.points[i].value] as [number, number]),
              color: 3,
              pointsOnly: true,
            },
          ]
        : []),
    ],
    marks: s.changePoints.map((c) => ({
      x: c.index + 1,
      label: changeText(
        c,
        s.points.map((p) => p.startedAt),
      ),
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
<header class="${moved.length ? 'unsure' : 'good'}"><h1>Trend of ${runs} run(s)</h1><p>${moved.length} of ${series.length} series moved (change points: rank-based E-divisive with a permutation test, outlier nights set aside)</p><p class="meta">${esc(place)}</p></header>
${section('Series that moved', moved)}
${section('Steady series', steady)}
</body></html>
`;
}
