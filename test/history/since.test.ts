import { describe, expect, it } from 'vitest';
import { sinceLastRuns } from '../../src/history/since.js';
import type { RunSummary } from '../../src/history/store.js';
import { renderReport } from '../../src/reports/formats.js';
import { fixedReport } from '../helpers/fixed-report.js';

/** "Since the last runs" on earlier runs made by hand: what changed outcome, what left the earlier runs' band. */
const run = (day: number, p99: number, outcome: string): RunSummary => ({
  id: `r${day}`,
  startedAt: new Date(Date.UTC(2026, 10, day)).toISOString(),
  verdict: 'GO',
  platform: 'p',
  labels: {},
  blockers: [],
  durationMs: 1000,
  loads: [{ name: 'peak', p50Ms: p99 / 2, p90Ms: p99 * 0.8, p99Ms: p99, maxMs: p99 * 1.5, rps: 1000, errorPct: 0 }],
  criteria: [{ name: 'Redis memory', actual: 5, bound: 10, outcome }],
  probes: [],
});

describe('since the last runs', () => {
  const report = fixedReport();
  const p99 = report.scenarios.find((s) => s.name === 'peak')!.latencyMs.p99;
  const redis = report.criteria.find((c) => c.name === 'Redis memory')!;

  it('names the criteria whose outcome changed since the run before, and the series outside the earlier band', () => {
    // Earlier p99s within 1% of 70% of today's: today's is ~43% above them.
    const earlier = [0.99, 1.0, 1.01, 1.0, 0.995, 1.005].map((k, i) => run(i + 1, 0.7 * p99 * k, 'MET'));
    const s = sinceLastRuns(report, earlier, '/h/history.db');
    expect(s.runs).toBe(6);
    expect(s.previous).toEqual({ startedAt: earlier[5].startedAt, verdict: 'GO' });
    expect(s.changed).toEqual([{ name: 'Redis memory', from: 'MET', to: redis.outcome }]);
    const moved = s.moved.find((m) => m.series === 'scenario.peak.p99_ms')!;
    const median = 0.7 * p99;
    expect(moved.median).toBeCloseTo(median, 9);
    expect(moved.shiftPct).toBeCloseTo(((p99 - median) / median) * 100, 9);
    expect(s.moved.find((m) => m.series === 'scenario.peak.rps')).toBeUndefined();
  });

  it('within the noise, or with too few earlier runs, nothing moved; the section says which', async () => {
    const noisy = [0.9, 1.1, 0.95, 1.05, 1.0].map((k, i) => run(i + 1, p99 * k, redis.outcome));
    expect(sinceLastRuns(report, noisy, 'h').moved.filter((m) => m.series.startsWith('scenario.peak'))).toEqual([]);
    const few = sinceLastRuns(report, noisy.slice(0, 2), 'h');
    expect(few.moved).toEqual([]);
    const md = await renderReport({ ...report, sinceLastRuns: few }, 'markdown', { color: false });
    expect(md).toContain('## Since the last runs (2 earlier run(s) in the history)');
    expect(md).toContain('- Too few earlier runs (5 needed) to tell noise from a move.');
  });
});
