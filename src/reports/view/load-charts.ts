import { decodeHistogram } from '../../results/histogram.js';
import type { ScenarioResult } from '../../results/scenario-result.js';
import { formatMs } from '../format-values.js';
import type { Block, ChartSpec } from './blocks.js';

/** Lines one chart can carry and stay readable; more results make more charts, never fewer lines. */
const SERIES_PER_CHART = 10;
/** A result shorter than this has no chart over time: its numbers are in its table row. */
export const MIN_TIMED_MS = 10_000;
/** Steps of a time chart are at least this long: a point per 10 ms is noise, not a trend. */
const MIN_STEP_MS = 1000;

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
        // n samples resolve percentiles up to 1 - 1/n: the 99.99th of 200 requests is just the maximum again.
        const supported = SPECTRUM.filter((p) => p === 0 || 1 / (1 - p / 100) <= r.requests);
        return {
          name: r.validity === 'INVALID' ? `${r.name} (INVALID)` : r.name,
          color: k,
          dashed: r.validity === 'INVALID',
          points: supported.map((p) => [spectrumX(p), h.getValueAtPercentile(p) / 1000] as [number, number]),
        };
      }),
    });
  }
  const missing = all.length - drawn.length;
  const notes = [
    missing && `${missing} result(s) without requests are not drawn.`,
    drawn.some((r) => r.validity === 'INVALID') && 'Dashed: INVALID, the generator could not vouch for these numbers.',
    'Each curve ends at the percentile its sample count resolves.',
  ].filter(Boolean);
  if (charts.length) charts[charts.length - 1].note = notes.join(' ');
  return charts.map((chart) => ({ type: 'chart', chart }));
}

/** Throughput and p99 against the level (users), per scenario that ran in levels. */
export function levelCharts(results: ScenarioResult[]): Block[] {
  const byScenario = new Map<string, ScenarioResult[]>();
  for (const r of results.filter((x) => x.level !== undefined)) byScenario.set(r.scenario, [...(byScenario.get(r.scenario) ?? []), r]);
  return [...byScenario]
    .filter(([, ls]) => ls.length > 1)
    .map(([name, ls]) => {
      // A level the generator could not vouch for is drawn apart, dashed: its numbers are not the server's.
      const invalid = ls.filter((l) => l.validity === 'INVALID');
      const of = (pick: (l: ScenarioResult) => number, valid: boolean) =>
        ls.filter((l) => (l.validity === 'INVALID') !== valid).map((l) => [l.level!, pick(l)] as [number, number]);
      const series = (label: string, pick: (l: ScenarioResult) => number, color: number) => [
        { name: label, points: of(pick, true), color },
        ...(invalid.length ? [{ name: `${label} (INVALID)`, points: of(pick, false), color, dashed: true }] : []),
      ];
      const unit = ls[0].levelName ?? 'users';
      const axis = ls[0].levelName ?? 'concurrent users';
      return {
        type: 'charts' as const,
        charts: [
          {
            title: `${name}: throughput by ${unit}`,
            xLabel: axis,
            yLabel: 'requests/s',
            series: series('requests/s', (l) => l.rps, 0),
          },
          { title: `${name}: p99 by ${unit}`, xLabel: axis, yLabel: 'ms', series: series('p99', (l) => l.latencyMs.p99, 1) },
        ],
      };
    });
}

/**
 * One result over time: p50 and p99 per step, and answers and errors per second; only for a result of ten
 * seconds or more, in steps of a second or more (finer steps are merged: counts add, each latency point
 * is the largest of those merged, an upper bound).
 */
export function timeCharts(r: ScenarioResult): Block[] {
  const raw = r.timeline;
  if (!raw || r.durationMs < MIN_TIMED_MS) return [];
  const t = coarsen(raw, Math.max(1, Math.ceil(MIN_STEP_MS / raw.stepMs)));
  const at = (i: number) => (i * t.stepMs) / 1000;
  // The last step is usually partial: its rate is over the part the run covered; a sliver of a step (the
  // last answers trickling in) would be drawn as a spike, so it is left out.
  const span = (i: number) => Math.min(t.stepMs, r.durationMs - i * t.stepMs) / 1000;
  const rated = t.requests.map((_, i) => i).filter((i) => span(i) >= t.stepMs / 4000);
  const latency = (xs: (number | null)[]) => xs.flatMap((v, i) => (v === null ? [] : [[at(i), v] as [number, number]]));
  const step = t.stepMs === 1000 ? 'per second' : `per ${formatMs(t.stepMs)}`;
  const note = t.merged ? 'Each latency point is the largest of the finer steps merged into it.' : undefined;
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
        },
      ],
    },
  ];
}

interface Steps {
  stepMs: number;
  requests: number[];
  errors: number[];
  p50Ms: (number | null)[];
  p99Ms: (number | null)[];
  merged: boolean;
}

/** Every k steps as one; latency points merged as their largest (an upper bound, never an invented value). */
function coarsen(t: NonNullable<ScenarioResult['timeline']>, k: number): Steps {
  const merged = k > 1 || Boolean(t.coarsened);
  if (k === 1) return { stepMs: t.stepMs, requests: t.requests, errors: t.errors, p50Ms: t.p50Ms, p99Ms: t.p99Ms, merged };
  const group = <T>(xs: T[], f: (part: T[]) => T) =>
    Array.from({ length: Math.ceil(xs.length / k) }, (_, i) => f(xs.slice(i * k, i * k + k)));
  const sum = (part: number[]) => part.reduce((a, b) => a + b, 0);
  const max = (part: (number | null)[]) => {
    const vs = part.filter((v): v is number => v !== null);
    return vs.length ? Math.max(...vs) : null;
  };
  return {
    stepMs: t.stepMs * k,
    requests: group(t.requests, sum),
    errors: group(t.errors, sum),
    p50Ms: group(t.p50Ms, max),
    p99Ms: group(t.p99Ms, max),
    merged,
  };
}
