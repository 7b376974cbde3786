import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyBaseline } from '../../src/session/history-baseline.js';
import { parseConfigText } from '../../src/config/load.js';
import { openHistory } from '../../src/history/open.js';
import { historyRun } from '../../src/history/record.js';
import { renderHistory } from '../../src/history/render.js';
import type { RunSummary } from '../../src/history/store.js';
import { trendSeries } from '../../src/history/trend.js';
import { median } from '../../src/util/median.js';
import { Redactor } from '../../src/util/redact.js';
import { checkedExecute } from '../helpers/checked.js';

/**
 * A history of real runs against a delay server of the test's own: 24 runs, its delay 40 ms, 44 ms (+10%)
 * from run 16 on (the deploy of version 1.4.2), and two outlier nights (runs 5 and 11) at 2.5 times the
 * delay (long enough that a busy machine's timer jitter is small beside the step). The server's own log of the delays it applied is the truth the trend is read against.
 */
const RUNS = 24;
const STEP_AT = 16;
const OUTLIERS = [5, 11];
const delayOf = (run: number) => (OUTLIERS.includes(run) ? 100 : run < STEP_AT ? 40 : 44);

let server: Server;
let run = 0;
const applied: number[][] = Array.from({ length: RUNS }, () => []);
const place = mkdtempSync(join(tmpdir(), 'validate-trend-real-'));
let runs: RunSummary[] = [];

beforeAll(async () => {
  server = createServer((_q, res) => {
    const ms = delayOf(run);
    applied[run].push(ms);
    setTimeout(() => res.end('ok'), ms);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  const config = parseConfigText(
    `platform: delay\nscenarios:\n  - { name: api, kind: rate, url: "${url}", rate: 100, duration: 400ms }\n`,
    't.yaml',
    new Redactor(),
    {},
  );
  const store = await openHistory(place);
  for (run = 0; run < RUNS; run++) {
    const report = await checkedExecute(config, new Redactor());
    const labels = { version: run < STEP_AT ? '1.4.1' : '1.4.2' };
    await store.append(historyRun(report, { configHash: 'x', labels }));
  }
  runs = await store.list({});
  await store.close();
}, 120_000);
afterAll(() => server?.close());

describe('a trend of real runs with a 10% step and two outlier nights', () => {
  it('the p50 change point is at the deploy, within one run, sized as the server made it, and names the version', () => {
    // The truth: the delays the server applied, run by run.
    expect(applied.map((d) => median(d))).toEqual(Array.from({ length: RUNS }, (_, i) => delayOf(i)));
    const p50 = trendSeries(runs).find((s) => s.key === 'scenario.api.p50_ms')!;
    expect(p50.points).toHaveLength(RUNS);
    // The two slow nights are outliers. A busy runner may make one more: only a night whose p50 the machine
    // moved, not the server (more than the 2 ms of timer lateness off the delay the server applied).
    expect(p50.outliers).toEqual(expect.arrayContaining(OUTLIERS));
    for (const i of p50.outliers.filter((x) => !OUTLIERS.includes(x)))
      expect(
        Math.abs(p50.points[i].value - delayOf(i)),
        `run ${i}: p50 ${p50.points[i].value} ms, server ${delayOf(i)} ms`,
      ).toBeGreaterThan(2);
    // The step, once. A shared runner's own load may move a run's numbers too: one more change point is
    // tolerated there, never at the step's place.
    const [cp, ...atStep] = p50.changePoints.filter((c) => Math.abs(c.index - STEP_AT) <= 1);
    expect(cp).toBeDefined();
    expect(atStep).toEqual([]);
    expect(p50.changePoints.length).toBeLessThanOrEqual(2);
    // The server's delay rose 4 ms on 40 (10%); each run's p50 also holds a fixed cost and a timer's lateness
    // (a millisecond or two, either way): the step is what the server did, give or take 2 ms.
    const [before, after] = [delayOf(0), delayOf(STEP_AT)];
    expect(cp.shiftPct).toBeGreaterThan((100 * (after - before - 2)) / (before + 2));
    expect(cp.shiftPct).toBeLessThan((100 * (after - before + 2)) / before);
    expect(cp.cameWith).toEqual({ version: '1.4.2' });
  });

  it('validate history marks the outlier nights, and compare --baseline history leaves them out of its baseline', async () => {
    const rows = renderHistory(runs, 'json');
    const outliers = (JSON.parse(rows) as { outliers?: string[] }[]).flatMap((r, i) => (r.outliers ? [i] : []));
    // The history marks p99 outlier nights: the p99 of 40 requests is their slowest, so a night whose one
    // slow request (a collection, a busy runner) doubled it may be marked too; the two slow nights always are.
    expect(outliers).toEqual(expect.arrayContaining(OUTLIERS));
    expect(renderHistory(runs, 'markdown')).toMatch(/ms api; outlier: api p99 \d\.\dx the median/);
    const sides = await historyBaseline(undefined, { history: place, last: RUNS });
    // The baseline leaves out the nights the history marks (the two slow ones among them), and only those.
    const goOutliers = outliers.filter((i) => runs[i].verdict === 'GO');
    expect(sides.outliers.map((o) => o.startedAt)).toEqual(goOutliers.map((i) => runs[i].startedAt));
    for (const i of goOutliers) expect(sides.note).toContain(runs[i].startedAt.slice(0, 19).replace('T', ' '));
    for (const i of goOutliers) expect(sides.bases.map((b) => b.startedAt)).not.toContain(runs[i].startedAt);
    expect(sides.bases.length).toBe(runs.slice(0, -1).filter((r, i) => r.verdict === 'GO' && !outliers.includes(i)).length);
  });
});
