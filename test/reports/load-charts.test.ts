import { describe, expect, it } from 'vitest';
import { encodeHistogram, newHistogram, recordMs, summarize } from '../../src/results/histogram.js';
import type { ScenarioResult } from '../../src/results/scenario-result.js';
import { levelCharts, spectrumCharts, timeCharts } from '../../src/reports/view/load-charts.js';
import type { Block, ChartSpec } from '../../src/reports/view/blocks.js';

/** A load result with `n` latencies 1..n ms and a timeline of `steps` steps of `stepMs`, as the generator writes them. */
function result(name: string, n: number, durationMs: number, stepMs: number, extra: Partial<ScenarioResult> = {}): ScenarioResult {
  const h = newHistogram();
  for (let i = 1; i <= n; i++) recordMs(h, i);
  const steps = Math.ceil(durationMs / stepMs);
  return {
    name,
    kind: 'rate',
    scenario: name,
    target: 'http://h/',
    status: 'pass',
    validity: 'VALID',
    model: 'open',
    connections: 1,
    requests: n,
    errors: 0,
    successRate: 100,
    successRequired: 99.9,
    rps: n / (durationMs / 1000),
    durationMs,
    latencyMs: summarize(h),
    statusCounts: {},
    errorCauses: {},
    generator: { eventLoopDelayP99Ms: 1, eventLoopDelayMaxMs: 1, maxRssMb: 50 },
    histograms: { latency: encodeHistogram(h) },
    measurements: [],
    timeline: {
      stepMs,
      requests: Array.from({ length: steps }, () => 10),
      errors: Array.from({ length: steps }, (_, i) => (i === 3 ? 2 : 0)),
      p50Ms: Array.from({ length: steps }, (_, i) => i),
      p99Ms: Array.from({ length: steps }, (_, i) => 2 * i),
    },
    ...extra,
  };
}

const charts = (blocks: Block[]): ChartSpec[] =>
  blocks.flatMap((b) => (b.type === 'chart' ? [b.chart] : b.type === 'charts' ? b.charts : []));

describe('charts only where they say something', () => {
  it('no chart over time for a result under 10 s; from 10 s, steps of at least a second, counts added and latency the largest merged', () => {
    expect(timeCharts(result('short', 100, 9_999, 100))).toEqual([]);
    const [latency, rate] = charts(timeCharts(result('long', 1000, 12_000, 100)));
    expect(latency.title).toBe('long: latency per second');
    expect(latency.series[0].points).toHaveLength(12);
    // Step 0 merged 0..9 (p99 0, 2, ... 18): its largest; step 1 merged 10..19.
    expect(latency.series[0].points.slice(0, 2)).toEqual([
      [0, 18],
      [1, 38],
    ]);
    expect(latency.note).toMatch(/largest of the finer steps/);
    // 10 steps of 10 requests each, two of them errors in the first second: 98 successes and 2 errors a second.
    expect(rate.series.map((s) => s.points[0])).toEqual([
      [0, 98],
      [0, 2],
    ]);
  });

  it('percentile curves stop where the sample count does: 200 samples resolve 99.5%, not 99.99%', () => {
    const [chart] = charts(spectrumCharts('Load', [result('few', 200, 2000, 100), result('many', 100_000, 2000, 100)]));
    const last = (name: string) => chart.series.find((s) => s.name === name)!.points.at(-1)![0];
    expect(last('few')).toBeCloseTo(Math.log10(1 / (1 - 0.995)), 6);
    expect(last('many')).toBeCloseTo(Math.log10(1 / (1 - 0.9999)), 6);
  });

  it('an INVALID result is drawn as such: dashed and named, in percentiles and levels', () => {
    const bad = result('users-100', 500, 2000, 100, { validity: 'INVALID', level: 100, scenario: 'users' });
    const good = result('users-10', 500, 2000, 100, { level: 10, scenario: 'users' });
    const [spectrum] = charts(spectrumCharts('Concurrent load', [good, bad]));
    expect(spectrum.series.map((s) => [s.name, Boolean(s.dashed)])).toEqual([
      ['users-10', false],
      ['users-100 (INVALID)', true],
    ]);
    const [throughput] = charts(levelCharts([good, bad]));
    expect(throughput.series.map((s) => [s.name, s.points.map((p) => p[0]), Boolean(s.dashed)])).toEqual([
      ['requests/s', [10], false],
      ['requests/s (INVALID)', [100], true],
    ]);
  });
});
