import { decodeHistogram } from '../../results/histogram.js';
import type { ScenarioResult } from '../../results/scenario-result.js';
import { formatMs } from '../format-values.js';
import type { Block, ChartSpec } from './blocks.js';

/** Lines one chart can carry and stay readable; more results make more charts, never fewer lines. */
const SERIES_PER_CHART = 10;
/** Fewer steps than this make no line worth drawing: the run's numbers are in its table row. */
const MIN_STEPS = 3;

/** Percentiles on the HdrHistogram-style axis: equal room for 90, 99, 99.9, 99.99 (x = log10(1 / (1 - p))). */
const SPECTRUM = [0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99];
const spectrumX = (p: number) => Math.log10(1 / (1 - Math.min(p, 99.999) / 100));
const SPECTRUM_TICKS: [number, string][] = [0, 90, 99, 99.9, 99.99].map((p) => [spectrumX(p), `${p}%`]);

/** Latency by percentile for every result of a section, eight to a chart. */
export function spectrumCharts(section: string, results: ScenarioResult[]): Block[] {
  const all = results.flatMap((r) => [r, ...(r.endpoints ?? [])]);
  const drawn = all.filter((r) => r.histograms?.latency && r.requests > 0);
  const charts: ChartSpec[] = [];
  for (let i = 0; i < drawn.length; i += SERIES_PER_CHART) {
    const part = drawn.slice(i, i + SERIES_PER_CHART);
    const of = drawn.length > SERIES_PER_CHART ? ` (${i + 1}-${i + part.length} of ${drawn.length})` : '';
    charts.push({
      title: `${section}: latency by percentile${of}`,
      xLabel: 'percentile',
      yLabel: 'ms (log)',
      yLog: true,
      xTicks: SPECTRUM_TICKS,
      series: part.map((r, k) => {
        const h = decodeHistogram(r.histograms.latency);
        return {
          name: r.name,
          color: k,
          points: SPECTRUM.map((p) => [spectrumX(p), h.getValueAtPercentile(p) / 1000] as [number, number]),
        };
      }),
    });
  }
  const missing = all.length - drawn.length;
  if (charts.length && missing) charts[charts.length - 1].note = `${missing} result(s) without requests are not drawn.`;
  return charts.map((chart) => ({ type: 'chart', chart }));
}

/** Throughput and p99 against the level (users), per scenario that ran in levels. */
export function levelCharts(results: ScenarioResult[]): Block[] {
  const byScenario = new Map<string, ScenarioResult[]>();
  for (const r of results.filter((x) => x.level !== undefined)) byScenario.set(r.scenario, [...(byScenario.get(r.scenario) ?? []), r]);
  return [...byScenario]
    .filter(([, ls]) => ls.length > 1)
    .map(([name, ls]) => ({
      type: 'charts',
      charts: [
        {
          title: `${name}: throughput by users`,
          xLabel: 'concurrent users',
          yLabel: 'requests/s',
          series: [{ name: 'requests/s', points: ls.map((l) => [l.level!, l.rps]), color: 0 }],
        },
        {
          title: `${name}: p99 by users`,
          xLabel: 'concurrent users',
          yLabel: 'ms',
          series: [{ name: 'p99', points: ls.map((l) => [l.level!, l.latencyMs.p99]), color: 1 }],
        },
      ],
    }));
}

/** One result over time: p50 and p99 per step, and answers and errors per second. */
export function timeCharts(r: ScenarioResult): Block[] {
  const t = r.timeline;
  if (!t) return r.requests > 0 ? [{ type: 'notes', items: [`${r.name}: no timeline in this report (written by an older version).`] }] : [];
  const steps = t.requests.filter((n) => n > 0).length;
  if (steps < MIN_STEPS)
    return [
      {
        type: 'notes',
        items: [
          `${r.name}: ran ${formatMs(r.durationMs)}, too short for a chart over time (${steps} step${steps === 1 ? '' : 's'} of ${formatMs(t.stepMs)} with answers).`,
        ],
      },
    ];
  const at = (i: number) => (i * t.stepMs) / 1000;
  // The last step is usually partial: its rate is over the part the run covered, and a sliver of a step (the
  // last answers trickling in) is left out of the rate chart rather than drawn as a spike.
  const span = (i: number) => Math.min(t.stepMs, r.durationMs - i * t.stepMs) / 1000;
  const rated = t.requests.map((_, i) => i).filter((i) => span(i) >= t.stepMs / 4000);
  const latency = (xs: (number | null)[]) => xs.flatMap((v, i) => (v === null ? [] : [[at(i), v] as [number, number]]));
  const step = t.stepMs === 1000 ? 'per second' : `per ${formatMs(t.stepMs)} step`;
  const sliver =
    rated.length < t.requests.length
      ? `The last ${formatMs(r.durationMs - rated.length * t.stepMs)} (a partial step) is not in the rate chart.`
      : undefined;
  const note = t.coarsened ? 'Points were merged in pairs to bound memory: each latency point is the larger of the two merged.' : undefined;
  return [
    {
      type: 'charts',
      charts: [
        {
          title: `${r.name}: latency ${step}`,
          xLabel: 'time',
          yLabel: 'ms',
          xTime: true,
          series: [
            { name: 'p99', points: latency(t.p99Ms), color: 1 },
            { name: 'p50', points: latency(t.p50Ms), color: 0 },
          ],
          note,
        },
        {
          title: `${r.name}: throughput and errors ${step}`,
          xLabel: 'time',
          yLabel: 'per second',
          xTime: true,
          series: [
            { name: 'successes/s', points: rated.map((i) => [at(i), (t.requests[i] - t.errors[i]) / span(i)]), color: 2 },
            { name: 'errors/s', points: rated.map((i) => [at(i), t.errors[i] / span(i)]), color: 1 },
          ],
          note: sliver,
        },
      ],
    },
  ];
}
