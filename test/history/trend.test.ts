import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openHistory } from '../../src/history/open.js';
import { historyRun } from '../../src/history/record.js';
import { runTime, trendSeries } from '../../src/history/trend.js';
import { fixedReport } from '../helpers/fixed-report.js';
import { runCli } from '../helpers/cli.js';
import { inChromium } from '../helpers/chromium.js';

/**
 * `validate trend` on a history whose shift is known: 30 nights of the fixed report with the peak's p99 at
 * 20 ms (a little noise), then 8 nights at 26 ms. The change point is that night, +30%, and the series that
 * did not move have none.
 */
const place = mkdtempSync(join(tmpdir(), 'validate-trend-'));
const wobble = [0.98, 1.01, 1.0, 1.02, 0.99, 1.0, 0.97, 1.03];
const p99At = (night: number) => (night < 30 ? 20 : 26) * wobble[night % wobble.length];

beforeAll(async () => {
  const store = await openHistory(place);
  for (let night = 0; night < 38; night++) {
    const report = fixedReport();
    const startedAt = new Date(Date.UTC(2026, 9, 1) + night * 86_400_000).toISOString();
    report.scenarios = report.scenarios.map((s) => ({ ...s, latencyMs: { ...s.latencyMs, p99: p99At(night) } }));
    // The deploy that brought the new level is a label of its runs.
    await store.append(historyRun({ ...report, startedAt }, { configHash: 'x', labels: { env: 'prod', git: night < 30 ? 'a1f' : 'b2e' } }));
  }
  await store.close();
});

describe('validate trend', () => {
  it('finds the night the p99 moved, and by how much; steady series have none', async () => {
    const store = await openHistory(place);
    const series = trendSeries(await store.list({}));
    await store.close();
    const p99 = series.find((s) => s.key === 'scenario.peak.p99_ms')!;
    expect(p99.points).toHaveLength(38);
    expect(p99.changePoints).toHaveLength(1);
    expect(p99.changePoints[0].startedAt.slice(0, 10)).toBe('2026-10-31');
    // Its size is the medians' either side; the label that came with it, the likely cause.
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const before = median(p99.points.slice(0, 30).map((p) => p.value));
    const after = median(p99.points.slice(30).map((p) => p.value));
    expect(p99.changePoints[0].shiftPct).toBeCloseTo(((after - before) / before) * 100, 1);
    expect(p99.changePoints[0].cameWith).toEqual({ git: 'b2e' });
    // Every percentile of a load result is a series; the steady ones have none.
    expect(series.map((s) => s.key).filter((k) => k.startsWith('scenario.peak.'))).toEqual(
      expect.arrayContaining([
        'scenario.peak.p50_ms',
        'scenario.peak.p90_ms',
        'scenario.peak.max_ms',
        'scenario.peak.rps',
        'scenario.peak.error_pct',
      ]),
    );
    expect(series.find((s) => s.key === 'scenario.peak.rps')!.changePoints).toEqual([]);
    // The series that moved come first.
    expect(series[0].key).toBe('scenario.peak.p99_ms');
  });

  it('the command prints it at 80 columns, and writes markdown for a PR', async () => {
    const r = await runCli(['trend', place], { env: { COLUMNS: '80' } });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.filter((l) => [...l].length > 80)).toEqual([]);
    expect(r.stdout).toMatch(/scenario\.peak\.p99_ms\s*│\s*38\s*│[^│]*│\s*\+3\d\.\d% from 2026-10-31/);
    expect(r.stdout).toContain('(git=b2e)');
    // The series that moved; the steady ones counted, and listed with --all.
    const total = Number(/^(\d+) series, 1 with a change point$/.exec(lines.at(-2)!)?.[1]);
    expect(total).toBeGreaterThan(1);
    expect(lines.at(-1)).toBe(`${total - 1} steady series (no change point) not listed: --all lists them`);
    expect(r.stdout).not.toContain('scenario.peak.rps');
    const all = await runCli(['trend', place, '--all', '--format', 'markdown']);
    expect(all.stdout.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Series |'))).toHaveLength(total);
    const out = join(place, 'trend.md');
    expect((await runCli(['trend', place, '--out', out])).code).toBe(0);
  });

  it("trend.html: a chart per series drawn by the report's SVG code, the change point marked with its size, in headless Chromium", async () => {
    const out = join(place, 'trend.html');
    expect((await runCli(['trend', place, '--out', out])).code).toBe(0);
    const { dom } = inChromium(out, 'trend');
    const store = await openHistory(place);
    const count = trendSeries(await store.list({})).length;
    await store.close();
    expect(dom.match(/<svg class="chart"/g)?.length).toBe(count);
    expect(dom).toMatch(/<text[^>]*class="marklabel"[^>]*>\+3\d\.\d% from 2026-10-31 \(git=b2e\)<\/text>/);
    expect(dom).toContain(`1 of ${count} series moved`);
    expect(dom).not.toMatch(/<script/);
  });

  it('runs of one day (a CI job, not a nightly one) are told apart by their time, in the table and on the chart', () => {
    const day = (h: number, m: number) => new Date(Date.UTC(2026, 11, 7, h, m)).toISOString();
    const times = [day(9, 5), day(11, 40), day(14, 3)];
    expect(times.map((t) => runTime(t, times))).toEqual(['2026-12-07 09:05', '2026-12-07 11:40', '2026-12-07 14:03']);
    expect(runTime(times[2], times, true)).toBe('12-07 14:03');
    // One run a day: the date says it.
    const nightly = [new Date(Date.UTC(2026, 11, 6, 2)).toISOString(), new Date(Date.UTC(2026, 11, 7, 2)).toISOString()];
    expect(runTime(nightly[1], nightly)).toBe('2026-12-07');
  });
});
