import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openHistory } from '../../src/history/open.js';
import { historyRun } from '../../src/history/record.js';
import { trendSeries } from '../../src/history/trend.js';
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
    await store.append(historyRun({ ...report, startedAt }, { configHash: 'x', labels: { env: 'prod' } }));
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
    const before = p99.points.slice(0, 30).reduce((a, p) => a + p.value, 0) / 30;
    const after = p99.points.slice(30).reduce((a, p) => a + p.value, 0) / 8;
    expect(p99.changePoints[0].shiftPct).toBeCloseTo(((after - before) / before) * 100, 9);
    expect(series.find((s) => s.key === 'scenario.peak.rps')!.changePoints).toEqual([]);
  });

  it('the command prints it at 80 columns, and writes markdown for a PR', async () => {
    const r = await runCli(['trend', place], { env: { COLUMNS: '80' } });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.filter((l) => [...l].length > 80)).toEqual([]);
    expect(r.stdout).toMatch(/scenario\.peak\.p99_ms\s*│\s*38\s*│[^│]*│\s*\+3\d\.\d% from\s*│?/);
    expect(lines.at(-1)).toMatch(/^\d+ series, 1 with a change point$/);
    const out = join(place, 'trend.md');
    expect((await runCli(['trend', place, '--out', out])).code).toBe(0);
  });

  it("trend.html: a chart per series drawn by the report's SVG code, the change point marked with its size, in headless Chromium", async () => {
    const out = join(place, 'trend.html');
    expect((await runCli(['trend', place, '--out', out])).code).toBe(0);
    const { dom } = inChromium(out, 'trend');
    expect(dom.match(/<svg class="chart"/g)?.length).toBe(10);
    expect(dom).toMatch(/<text[^>]*class="marklabel"[^>]*>\+3\d\.\d% from 2026-10-31<\/text>/);
    expect(dom).toContain('1 of 10 series moved');
    expect(dom).not.toMatch(/<script/);
  });
});
