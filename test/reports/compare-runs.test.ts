import { describe, expect, it } from 'vitest';
import { compareReports } from '../../src/compare/compare.js';
import { renderComparison } from '../../src/compare/render.js';
import { baselineCandidates } from '../../src/history/baseline.js';
import type { RunSummary } from '../../src/history/store.js';
import type { Report } from '../../src/reports/model.js';
import { fixedReport } from '../helpers/fixed-report.js';

/**
 * A run against several baseline runs (what `compare --baseline history` reads), on reports made by hand:
 * each load result against the runs' median and the spread between them, and statuses against every run.
 */
const bounds = { maxP99Increase: 10, minP99IncreaseMs: 1, maxRpsDecrease: 10 };

function run(p99: number, rps = 1000, edit: (r: Report) => void = () => undefined): Report {
  const r = structuredClone(fixedReport());
  Object.assign(r.scenarios[0], { latencyMs: { ...r.scenarios[0].latencyMs, p99 }, rps });
  edit(r);
  return r;
}

describe('a run against the last runs of a history', () => {
  it('p99 is measured against the median of the runs, and must clear their spread: 3 robust deviations', () => {
    // Median 100; absolute deviations 0, 1, 1, 0.5, 0.5: MAD 0.5, so a deviation of 0.741 and a band of +-2.22.
    const tight = [100, 101, 99, 100.5, 99.5].map((v) => run(v));
    const c = compareReports(tight, run(112), bounds);
    const s = c.scenarios[0];
    expect(s.p99).toEqual([100, 112]);
    expect(s.p99Level).toEqual({ runs: 5, median: 100, deviation: 0.5 * 1.4826 });
    expect(s.why).toEqual(["p99 up 12.0% (+12.00 ms), past the 5 runs' 100.00 +- 2.22 ms"]);
    expect(c.regressed).toBe(true);
    // Median 100; deviations 20, 20, 5, 10, 0: MAD 10, a band of +-44.5. The same 112 is within their noise.
    const wide = [80, 120, 95, 110, 100].map((v) => run(v));
    const w = compareReports(wide, run(112), bounds);
    expect([w.scenarios[0].regression, w.regressed, w.scenarios[0].why]).toEqual([false, false, []]);
    // Beyond the band but within the bound: no regression either.
    expect(compareReports(tight, run(105), bounds).regressed).toBe(false);
  });

  it('every percentile, not only p99: a server slower at its median (2 ms to 8 ms) whose p99 stays within its noise has regressed', () => {
    const at = (p50: number, p99: number) => run(p99, 1000, (r) => Object.assign(r.scenarios[0].latencyMs, { p50, p90: p50 * 1.5 }));
    const baseline = [at(2, 40), at(2.1, 60), at(1.9, 50), at(2, 45), at(2.05, 55)];
    const c = compareReports(baseline, at(8.9, 52), bounds);
    expect(c.scenarios[0].why).toEqual([
      expect.stringMatching(/^p50 up 345\.0% \(\+6\.90 ms\), past the 5 runs' 2\.00 \+- /),
      expect.stringMatching(/^p90 up 345\.0% \(\+10\.35 ms\), past the 5 runs' 3\.00 \+- /),
    ]);
    expect(c.regressed).toBe(true);
    // The same median within its runs' noise: no regression.
    expect(compareReports(baseline, at(2.02, 52), bounds).regressed).toBe(false);
  });

  it('throughput the same way, downwards', () => {
    const steady = [1000, 1010, 990, 1005, 995].map((rps) => run(100, rps));
    const c = compareReports(steady, run(100, 850), bounds);
    expect(c.scenarios[0].rps).toEqual([1000, 850]);
    expect(c.scenarios[0].why).toEqual(["rps down 15.0%, past the 5 runs' 1000.00 +- 22.24/s"]);
  });

  it('a status counts as a change only if no baseline run had it; a fail that a GO run had is not new', () => {
    const status = (name: string, s: string) => (r: Report) => {
      r.criteria.find((c) => c.name === name)!.status = s as Report['criteria'][number]['status'];
    };
    // "Redis memory" (a warning) failed in one of the GO runs; "Engine health" passed in all of them.
    const bases = [run(100), run(100, 1000, status('Redis memory', 'fail')), run(100)];
    const cur = run(100, 1000, (r) => {
      status('Redis memory', 'fail')(r);
      status('Engine health', 'fail')(r);
    });
    const c = compareReports(bases, cur, bounds);
    expect(c.changes.filter((x) => x.what === 'criterion')).toEqual([
      { what: 'criterion', name: 'Engine health', before: 'pass', after: 'fail', regression: true },
    ]);
    // A status none of them had is a change, and the baseline's mix is said as it was seen.
    const better = compareReports(bases, run(100, 1000, status('Redis memory', 'pass')), bounds);
    expect(better.changes).toEqual([
      { what: 'criterion', name: 'Redis memory', before: 'warn 2, fail 1', after: 'pass', regression: false },
    ]);
  });

  it('INVALID baseline runs are left out of the median; when all are, the result is not compared, saying so', () => {
    const invalid = (r: Report) => Object.assign(r.scenarios[0], { validity: 'INVALID', invalidReason: 'generator saturated' });
    const c = compareReports([run(100), run(500, 1000, invalid), run(102), run(98)], run(101), bounds);
    expect(c.scenarios[0].p99[0]).toBe(100);
    const none = compareReports([run(100, 1000, invalid), run(100, 1000, invalid)], run(101), bounds);
    expect(none.scenarios[0].notCompared).toBe("none of the 2 baseline runs' generators could vouch for it (INVALID: generator saturated)");
    expect(none.inconclusive).toBe(true);
  });

  it('the rendering says which runs were the baseline and what noise a change had to clear', () => {
    const c = compareReports([run(100), run(101), run(99)], run(130), bounds);
    Object.assign(c.baseline, { place: '/var/lib/validate/history.db' });
    const md = renderComparison(c, 'markdown');
    expect(md.split('\n')[0]).toBe(
      '# Comparison: the last 3 GO runs of /var/lib/validate/history.db (2026-11-24 06:00 to 2026-11-24 06:00) -> 2026-11-24 06:00 (GO)',
    );
    expect(md).toContain("p99 beyond the 3 runs' spread (median 100 ms +- 4.4 ms)");
    expect(md).toContain("p99 +10% and +1 ms beyond the baseline runs' spread");
  });
});

describe('which runs may be the baseline', () => {
  const summary = (day: number, verdict: string, platform = 'p'): RunSummary => ({
    id: `d${day}`,
    startedAt: new Date(Date.UTC(2026, 10, day, 2)).toISOString(),
    verdict,
    platform,
    labels: {},
    blockers: [],
    durationMs: 1,
    loads: [],
    criteria: [],
    probes: [],
  });

  it('GO runs of the same platform that started before the current one, newest first', () => {
    const runs = [summary(1, 'GO'), summary(2, 'NO-GO'), summary(3, 'GO', 'other'), summary(4, 'GO'), summary(5, 'GO'), summary(6, 'GO')];
    const ids = baselineCandidates(runs, { platform: 'p', startedAt: runs[4].startedAt }).map((r) => r.id);
    expect(ids).toEqual(['d4', 'd1']);
  });
});
