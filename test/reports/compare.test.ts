import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { intervalsApart, quantileInterval } from '../../src/compare/quantile-interval.js';
import { ksDistance } from '../../src/compare/ks-test.js';
import { newHistogram, recordMs } from '../../src/results/histogram.js';
import { runCli } from '../helpers/cli.js';
import { delayedServer } from '../helpers/hostile.js';
import { fixedReport } from '../helpers/fixed-report.js';

/** A deterministic pseudo-random stream (mulberry32), so the test's samples are the same every run. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const sample = (seed: number, n: number, base: number) => {
  const r = rng(seed);
  const h = newHistogram();
  for (let i = 0; i < n; i++) recordMs(h, base + r() * 4);
  return h;
};

describe('did p99 change, or is it sampling noise?', () => {
  it("two samples of one distribution have overlapping p99 intervals; a shifted one's are apart", () => {
    const [a, b] = [quantileInterval(sample(1, 2000, 5), 99)!, quantileInterval(sample(2, 2000, 5), 99)!];
    expect(a.low).toBeLessThanOrEqual(a.value);
    expect(a.high).toBeGreaterThanOrEqual(a.value);
    expect(intervalsApart(a, b)).toBe(false);
    expect(intervalsApart(a, quantileInterval(sample(2, 2000, 6), 99)!)).toBe(true);
    expect(ksDistance(sample(1, 2000, 5), sample(2, 2000, 6))).toBeGreaterThan(0.2);
  });

  it('the interval is read off the histogram at the ranks order statistics give (and widened for correlated samples)', () => {
    // 10,000 values 1..10000 ms: the p99 is 9,900; with n/4 = 2,500 effective samples the 99% ranks are
    // 99% ± 2.576·√(2500·0.99·0.01)/2500 = 99% ± 0.513%.
    const h = newHistogram();
    for (let i = 1; i <= 10_000; i++) recordMs(h, i);
    const i = quantileInterval(h, 99)!;
    // Within the histogram's own precision (3 significant digits: 0.1%).
    const near = (x: number, y: number) => Math.abs(x - y) / y < 0.002;
    expect([near(i.value, 9900), near(i.low, 9848.7), near(i.high, 9951.3)]).toEqual([true, true, true]);
  });
});

describe('validate compare on real runs', () => {
  it('exits 1 when a target slowed from 5 ms to 100 ms, 0 for the reverse, and calls the difference significant', async () => {
    const delay = { ms: 5 };
    const server = await delayedServer(delay);
    const url = `${server.url}/`;
    const dir = mkdtempSync(join(tmpdir(), 'validate-compare-'));
    // A busy machine may hold a run's generator up (INVALID): measured again, up to 3 times, rather than
    // compared. The fast run is long enough (1,000 requests) that a few stalls on a loaded 2-core machine do
    // not widen its p99's interval to the slow run's.
    const fast = join(dir, 'fast.json');
    const slow = join(dir, 'slow.json');
    expect((await runCli(['load', url, '-c', '5', '-a', '1000', '-q', '--retries', '3', '--out', fast])).code).toBe(0);
    delay.ms = 100;
    expect((await runCli(['load', url, '-c', '5', '-a', '200', '-q', '--retries', '3', '--out', slow])).code).toBe(0);
    await server.close();

    const worse = await runCli(['compare', fast, slow, '--format', 'json']);
    expect(worse.code).toBe(1);
    const c = JSON.parse(worse.stdout);
    expect(c.regressed).toBe(true);
    expect(c.scenarios[0].why).toContainEqual(expect.stringMatching(/^p99 up \d+\.\d% \(\+\d+\.\d\d ms; bounds 10% and 1 ms\)$/));
    expect(c.scenarios[0].p99Differs).toBe(true);
    expect((await runCli(['compare', slow, fast])).code).toBe(0);
    const table = await runCli(['compare', fast, slow]);
    expect(table.stdout).toContain('REGRESSED beyond the bounds');

    // A report against itself: nothing moved, the shape least of all (tied histogram values are not a shift).
    const same = await runCli(['compare', fast, fast, '--format', 'json']);
    const self = JSON.parse(same.stdout);
    expect([same.code, self.regressed, self.changes, self.scenarios[0].shapeDistance]).toEqual([0, false, [], 0]);
    expect((await runCli(['compare', fast, fast, '--format', 'markdown'])).stdout).toContain('shape moved 0%');
  });

  it('a new failing criterion and new failed faults are regressions, and so is GO -> NO-GO; items only in the baseline are listed, not counted', async () => {
    const report = fixedReport();
    const dir = mkdtempSync(join(tmpdir(), 'validate-compare-'));
    const base = join(dir, 'base.json');
    const cur = join(dir, 'cur.json');
    writeFileSync(
      base,
      JSON.stringify({ ...report, verdict: 'GO', criteria: report.criteria.filter((c) => c.name !== 'Bus interruption'), faults: [] }),
    );
    const failed = report.faults.map((f) => ({ ...f, status: 'fail', error: 'risk did not recover within 30000 ms' }));
    const newCriterion = { ...report.criteria[0], name: 'Quote feed latency', status: 'fail', outcome: 'NOT MET' };
    writeFileSync(
      cur,
      JSON.stringify({
        ...report,
        verdict: 'NO-GO',
        criteria: [...report.criteria.filter((c) => c.name !== 'Peak p99'), newCriterion],
        faults: [...failed, { ...failed[0], name: 'db-reset' }],
      }),
    );
    const r = await runCli(['compare', base, cur, '--format', 'json']);
    const c = JSON.parse(r.stdout);
    expect(r.code).toBe(1);
    const changed = (what: string, name: string) =>
      c.changes.find((x: { what: string; name: string }) => x.what === what && x.name === name);
    expect(changed('verdict', 'verdict')).toMatchObject({ before: 'GO', after: 'NO-GO', regression: true });
    expect(changed('criterion', 'Quote feed latency')).toMatchObject({ before: 'absent', after: 'fail', regression: true });
    expect(changed('fault', 'bus-cut')).toMatchObject({ before: 'absent', after: 'fail', regression: true });
    expect(changed('fault', 'db-reset')).toMatchObject({ before: 'absent', after: 'fail', regression: true });
    expect(changed('criterion', 'Peak p99')).toMatchObject({ after: 'absent', regression: false });
    expect((await runCli(['compare', base, cur])).stdout).not.toContain('No verdict, probe, criterion or fault changed');
  });

  it('a current run the generator could not vouch for is not compared: INCONCLUSIVE, exit 3, never a regression or a pass', async () => {
    const report = fixedReport();
    const dir = mkdtempSync(join(tmpdir(), 'validate-compare-'));
    const base = join(dir, 'base.json');
    const cur = join(dir, 'cur.json');
    writeFileSync(base, JSON.stringify(report));
    const slowInvalid = {
      ...report.scenarios[0],
      validity: 'INVALID',
      invalidReason: 'the load generator sent requests 64.9 ms late (p99)',
      latencyMs: { ...report.scenarios[0].latencyMs, p99: 500 },
    };
    writeFileSync(cur, JSON.stringify({ ...report, verdict: 'INCONCLUSIVE', scenarios: [slowInvalid] }));
    const r = await runCli(['compare', base, cur, '--format', 'json']);
    const c = JSON.parse(r.stdout);
    expect([r.code, c.regressed, c.inconclusive]).toEqual([3, false, true]);
    expect(c.scenarios[0].notCompared).toContain('64.9 ms late');
  });
});
