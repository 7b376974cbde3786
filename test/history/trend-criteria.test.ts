import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { membersRead } from '../../src/config/catalog.js';
import { trendItems } from '../../src/history/trend-items.js';
import type { RunSummary } from '../../src/history/store.js';
import { Redactor } from '../../src/util/redact.js';
import { checkedExecute } from '../helpers/checked.js';

/**
 * A gate on the trend: `trend.scenario.steady.p99_ms.shift_pct < 10%`, judged on a real run of a real
 * server joined to earlier runs made by hand (p99 steady at a known level, then this run). The criterion
 * reads the change point the series shows; without a history, or with too few runs, it measured nothing.
 */
let server: Server;
let url = '';
beforeAll(async () => {
  server = createServer((_q, res) => setTimeout(() => res.end('ok'), 20));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
});
afterAll(() => server?.close());

const config = () =>
  parseConfigText(
    `scenarios:\n  - { name: steady, kind: rate, url: "${url}", rate: 50, duration: 1s }\ncriteria:\n  - { name: No p99 shift, expect: "trend.scenario.steady.p99_ms.shift_pct < 10%" }\n`,
    't.yaml',
    new Redactor(),
    {},
  );
const earlier = (n: number, p99: (i: number) => number): RunSummary[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `r${i}`,
    startedAt: new Date(Date.UTC(2026, 9, i + 1)).toISOString(),
    verdict: 'GO',
    platform: 'platform',
    labels: {},
    blockers: [],
    durationMs: 1000,
    loads: [{ name: 'steady', p50Ms: p99(i) / 2, p90Ms: p99(i) * 0.8, p99Ms: p99(i), maxMs: p99(i) * 2, rps: 50, errorPct: 0 }],
    criteria: [],
    probes: [],
  }));

describe('trend criteria', () => {
  it('the p99 was 10 ms for 12 nights and this run is ~20 ms: the shift is NOT MET, its size what the series says', async () => {
    const before = earlier(12, (i) => 10 + (i % 3) * 0.1);
    // Three nights already at the new level (a change point needs runs on both sides), then this run.
    const runs = [
      ...before,
      ...earlier(3, () => 21).map((r, i) => ({ ...r, id: `n${i}`, startedAt: new Date(Date.UTC(2026, 9, 13 + i)).toISOString() })),
    ];
    const cfg = config();
    let searched: string[] = [];
    const report = await checkedExecute(cfg, new Redactor(), {
      trends: (s) => {
        // As `validate run` asks: only the series a criterion reads are searched (one of the six here).
        const items = trendItems(runs, s, membersRead(cfg.criteria, 'trend'));
        searched = items.map((i) => i.name);
        return items;
      },
    });
    expect(searched).toEqual(['scenario.steady.p99_ms']);
    const c = report.criteria.find((x) => x.name === 'No p99 shift')!;
    const p99 = report.scenarios[0].latencyMs.p99;
    // The levels are the medians either side (an outlier night moves neither).
    const median = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    };
    const levelBefore = median(before.map((r) => r.loads[0].p99Ms));
    const levelAfter = median([21, 21, 21, p99]);
    expect(c.outcome).toBe('NOT MET');
    expect(c.actual).toBeCloseTo(((levelAfter - levelBefore) / levelBefore) * 100, 6);
    expect(c.subjects).toEqual(['trend.scenario.steady.p99_ms']);
  });

  it('a steady series: MET with 0; no history, or too few runs: NOT RUN, saying why', async () => {
    const steady = await checkedExecute(config(), new Redactor(), {
      trends: (s) =>
        trendItems(
          earlier(10, () => s.scenarios[0].latencyMs.p99),
          s,
        ),
    });
    expect(steady.criteria.find((x) => x.name === 'No p99 shift')).toMatchObject({
      outcome: 'MET',
      actual: 0,
    });
    const none = await checkedExecute(config(), new Redactor(), {
      trends: (s) => trendItems('no history: keep the runs with --history PLACE (or VALIDATE_HISTORY)', s),
    });
    expect(none.criteria.find((x) => x.name === 'No p99 shift')).toMatchObject({
      outcome: 'NOT RUN',
      reason: 'not measured: scenario.steady.p99_ms: no history: keep the runs with --history PLACE (or VALIDATE_HISTORY)',
    });
    const few = await checkedExecute(config(), new Redactor(), {
      trends: (s) =>
        trendItems(
          earlier(2, () => 10),
          s,
        ),
    });
    expect(few.criteria.find((x) => x.name === 'No p99 shift')!.reason).toBe(
      'not measured: scenario.steady.p99_ms: the history has 3 run(s) with it, this one included; a change point needs at least 6',
    );
  });

  it("a probe's number is a series too: a target's latency that fell from ~200 ms to this run's is a shift", async () => {
    // The earlier runs kept the target's latency at 200 ms; this run measures the real server (~20 ms).
    const cfg = parseConfigText(
      `targets:\n  - { name: api, kind: http, url: "${url}" }\ncriteria:\n  - { name: Latency steady, expect: "trend.http.api.latency_ms.shift_pct > -50%" }\n`,
      't.yaml',
      new Redactor(),
      {},
    );
    const runs = earlier(12, () => 10).map((r, i) => ({
      ...r,
      loads: [],
      probes: [{ series: 'http.api.latency_ms', value: i < 9 ? 200 : 21 }],
    }));
    const report = await checkedExecute(cfg, new Redactor(), { trends: (now) => trendItems(runs, now) });
    const measured = report.probes[0].measurements.find((m) => m.metric === 'latency_ms')!.value;
    const c = report.criteria.find((x) => x.name === 'Latency steady')!;
    expect(c.subjects).toEqual(['trend.http.api.latency_ms']);
    expect(c.outcome).toBe('NOT MET');
    // The level after is the median of the three earlier 21 ms runs and this one.
    const after = [21, 21, 21, measured].sort((a, b) => a - b);
    expect(c.actual).toBeCloseTo((((after[1] + after[2]) / 2 - 200) / 200) * 100, 6);
  });

  it('a series the config does not have is a located config error', () => {
    expect(() =>
      parseConfigText(
        `scenarios:\n  - { name: steady, kind: rate, url: "${url}", rate: 50, duration: 1s }\ncriteria:\n  - "trend.scenario.stedy.p99_ms.shift_pct < 10%"\n`,
        't.yaml',
        new Redactor(),
        {},
      ),
    ).toThrow(/t\.yaml:4:5: criteria\[0\]: unknown trend "scenario\.stedy\.p99_ms".*did you mean "scenario\.steady\.p99_ms"/);
  });
});
