import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFactory } from '../../src/load/http-connection.js';
import { measure } from '../../src/load/measure.js';
import { laneByIndex } from '../../src/load/open-lanes.js';
import { Schedule } from '../../src/load/schedule.js';
import { shardSchedule, shareOf } from '../../src/load/shard.js';
import { addHistograms, decodeHistogram, encodeHistogram, newHistogram, recordMs, summarize } from '../../src/results/histogram.js';
import { runCli, whyNot } from '../helpers/cli.js';

describe('a shard is an exact slice', () => {
  it("the shards' arrivals, and the lane each goes to, are together exactly the one schedule's", () => {
    const whole = new Schedule([
      { from: 100, to: 900, durationMs: 7_000 },
      { from: 900, to: 900, durationMs: 3_000 },
    ]);
    const lanes = laneByIndex([7, 2, 1]);
    const wanted = Array.from({ length: whole.total }, (_, i) => `${whole.timeOf(i).toFixed(6)}:${lanes(i)}`).sort();
    const union: string[] = [];
    for (let index = 1; index <= 4; index++) {
      const part = shardSchedule(whole, { index, total: 4 });
      const laneOf = laneByIndex([7, 2, 1]);
      for (let k = 0; k < part.total; k++) union.push(`${part.timeOf(k).toFixed(6)}:${laneOf(part.indexOf(k))}`);
    }
    expect(union.sort()).toEqual(wanted);
  });

  it('counts split with the remainder to the first shards, and add up', () => {
    expect([1, 2, 3, 4].map((index) => shareOf(10, { index, total: 4 }))).toEqual([3, 3, 2, 2]);
    expect([1, 2, 3].map((index) => shareOf(1, { index, total: 3 }))).toEqual([1, 0, 0]);
  });

  it("merging the shards' histograms is recording their union: every percentile the same", () => {
    const all = newHistogram();
    const parts = [0, 1, 2, 3].map(() => newHistogram());
    for (let i = 0; i < 40_000; i++) {
      const ms = 0.05 + ((i * 7919) % 10_007) / 97; // spread over 0.05..103 ms, deterministically
      recordMs(all, ms);
      recordMs(parts[i % 4], ms);
    }
    const merged = addHistograms(parts.map(encodeHistogram));
    // As a report carries it (encoded): the union's own histogram, through the same codec.
    expect(merged.summary).toEqual(summarize(decodeHistogram(encodeHistogram(all))));
    expect(merged.histogram.totalCount).toBe(all.totalCount);
    // Against the union recorded live, the max is the same within the histogram's precision (3 digits).
    expect(Math.abs(merged.summary.max - summarize(all).max)).toBeLessThanOrEqual(summarize(all).max / 1000);
  });
});

/**
 * Four shard processes started together (`--start-at`) against a fixed-latency target, against one
 * process at the same total rate; then `validate merge`. The target runs in a process of its own.
 */
describe('shards in four processes, merged, against one process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'validate-shards-'));
  let target: ChildProcess;
  let url = '';
  beforeAll(async () => {
    target = spawn(process.execPath, [fileURLToPath(new URL('../../bench/target-server.mjs', import.meta.url)), '10'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<number>((r) => target.stdout!.once('data', (d) => r(Number(String(d)))));
    url = `http://127.0.0.1:${port}/`;
  });
  afterAll(() => target?.kill());

  it("the merge is the exact union: requests summed, rates summed, percentiles those of the shards' histograms added", async () => {
    const startAt = new Date(Date.now() + 3000).toISOString();
    const shards = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        runCli(['load', url, '-R', '1000', '-d', '2s', '--shard', `${i}/4`, '--start-at', startAt, '-q', '-o', join(dir, `s${i}.json`)]),
      ),
    );
    for (const s of shards) expect(s.code, s.stderr).toBe(0);
    const single = await runCli(['load', url, '-R', '1000', '-d', '2s', '--format', 'json']);
    const files = [1, 2, 3, 4].map((i) => join(dir, `s${i}.json`));
    const merged = await runCli(['merge', ...files, '--format', 'json']);
    const m = JSON.parse(merged.stdout).scenarios[0];
    const one = JSON.parse(single.stdout).scenarios[0];
    const parts = files.map((f) => JSON.parse(readFileSync(f, 'utf8')).scenarios[0]);
    // Four generators and the target on two cores: a shard the machine held up is INVALID, and so the whole (exit 3), never NO-GO.
    const invalid = parts.filter((p) => p.validity === 'INVALID');
    expect([merged.code, m.validity], merged.stderr).toEqual(invalid.length ? [3, 'INVALID'] : [0, 'VALID']);
    expect(parts.map((p) => p.requests)).toEqual([500, 500, 500, 500]);
    expect(m.requests).toBe(parts.reduce((a: number, p: { requests: number }) => a + p.requests, 0));
    expect(m.requests).toBe(one.requests);
    // The rate is the shards' own rates added (how close it came to the asked 1,000/s is logged: a figure, not a test).
    expect(m.rps).toBeCloseTo(
      parts.reduce((a: number, p: { rps: number }) => a + p.rps, 0),
      6,
    );
    // p50, p99, max are those of the shards' histograms added, exactly.
    expect(m.latencyMs).toEqual(addHistograms(parts.map((p) => p.histograms.latency)).summary);
    // The target answers after 10 ms: no percentile of either run can be under it.
    expect(Math.min(m.latencyMs.p50, one.latencyMs.p50)).toBeGreaterThanOrEqual(10);
    console.log(
      `4 shards x 250/s for 2 s merged: ${m.requests} requests, ${m.rps.toFixed(1)}/s, p50 ${m.latencyMs.p50} ms, p99 ${m.latencyMs.p99} ms; one process: ${one.rps.toFixed(1)}/s, p50 ${one.latencyMs.p50} ms, p99 ${one.latencyMs.p99} ms; started late by ${parts.map((p) => p.startLateMs.toFixed(1)).join(', ')} ms`,
    );
  }, 60_000);

  it('a shard that reaches its common start late counts its rate over the whole schedule, never as a faster server', async () => {
    // 200 requests due over 1 s from 300 ms ago: a third of them are sent at once, late. The answered
    // rate is over the schedule's second (or longer), so it cannot exceed the 200/s asked; timed from
    // when the loop began instead, it read ~290/s.
    const r = await measure({
      name: 'late',
      kind: 'arrival-rate',
      scenario: 'late',
      target: url,
      url,
      factory: httpFactory({ url, method: 'GET', headers: {}, timeoutMs: 2000, ok: (s) => s < 400 }),
      model: {
        type: 'open',
        schedule: new Schedule([{ from: 200, to: 200, durationMs: 1000 }]),
        maxConnections: 50,
        lateAfterMs: 10,
        drainMs: 2000,
      },
      startAt: performance.now() - 300,
    });
    expect(r.requests).toBe(200);
    expect(r.startLateMs).toBeGreaterThanOrEqual(300);
    expect(r.rps).toBeLessThanOrEqual(200);
    expect(r.validity).toBe('INVALID');
  });

  it('--workers N: the shards as worker threads of one process, merged the same way', async () => {
    const r = await runCli(['load', url, '-R', '1000', '-d', '2s', '--workers', '2', '--format', 'json']);
    const report = JSON.parse(r.stdout);
    const [merged] = report.scenarios;
    // GO, or INCONCLUSIVE (exit 3) when a worker's generator was held up on a busy machine: never NO-GO.
    expect(r.code, whyNot(r)).toBe(merged.validity === 'VALID' ? 0 : 3);
    expect(report.mergedFrom).toMatchObject({ files: ['worker 1/2', 'worker 2/2'], shards: 2, missing: [] });
    expect(merged.requests).toBe(2000);
    // The asked rate, when the generators vouch for their schedule.
    if (merged.validity === 'VALID') expect(Math.abs(merged.rps - 1000) / 1000).toBeLessThan(0.01);
    expect(r.stderr).toContain('2 workers, each a shard of the load');
    const both = await runCli(['load', url, '-R', '10', '-d', '1s', '--workers', '2', '--shard', '1/2']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give --workers or --shard');
  }, 30_000);

  it('a missing shard is NO-GO "incomplete", unless --allow-partial; mixed loads and duplicates are exit 2, naming the files', async () => {
    const files = [1, 2, 3].map((i) => join(dir, `s${i}.json`));
    const partial = await runCli(['merge', ...files, '--format', 'json']);
    expect(partial.code).toBe(1);
    const report = JSON.parse(partial.stdout);
    expect(report.criteria.find((c: { key?: string }) => c.key === 'complete-shards')).toMatchObject({
      outcome: 'NOT MET',
      reason: 'incomplete: shard 4/4 missing',
    });
    expect(report.mergedFrom).toMatchObject({ shards: 4, missing: [4] });
    const allowed = await runCli(['merge', ...files, '--allow-partial', '--format', 'json']);
    const three = JSON.parse(allowed.stdout);
    // Missing shard 4 is now a warning: what is left is judged on its own, GO unless a shard was INVALID.
    expect(three.criteria.find((c: { key?: string }) => c.key === 'complete-shards')).toMatchObject({ status: 'warn' });
    expect(allowed.code).toBe(three.verdict === 'GO' ? 0 : 3);
    // Another load (a different rate is a different schedule) cannot be merged into this one.
    const other = join(dir, 'other.json');
    const r = await runCli(['load', url, '-R', '500', '-d', '1s', '--shard', '4/4', '-q', '-o', other]);
    expect(r.code, whyNot(r)).toBe(0);
    const mixed = await runCli(['merge', ...files, other]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(
      /shards of different loads .*s1\.json, .*s2\.json, .*s3\.json \(config \w+\) vs .*other\.json \(config \w+\)/,
    );
    const twice = await runCli(['merge', files[0], files[0]]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('shard 1/4 given twice');
    const notShard = join(dir, 'plain.json');
    const { shard: _shard, ...unsharded } = JSON.parse(readFileSync(join(dir, 's1.json'), 'utf8'));
    writeFileSync(notShard, JSON.stringify(unsharded));
    const plain = await runCli(['merge', notShard]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('not a shard report');
    // Each of these was once merged (or crashed with exit 70): a shard changed after the run, named with why.
    type Shard = {
      shard: { startAt: string };
      tool: { version: string };
      startedAt: string;
      finishedAt: string;
      scenarios: { histograms?: { latency: string } }[];
    };
    const variant = (name: string, change: (r: Shard) => void) => {
      const report = JSON.parse(readFileSync(files[1], 'utf8'));
      change(report);
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify(report));
      return file;
    };
    const cases: [string, (r: Shard) => void, RegExp][] = [
      [
        'later.json',
        (r) => (r.shard.startAt = new Date(Date.parse(r.shard.startAt) + 2000).toISOString()),
        /shards of different runs: they were given different common starts/,
      ],
      ['version.json', (r) => (r.tool.version = '0.0.1'), /written by different versions of validate.*version\.json \(0\.0\.1\)/],
      [
        'corrupt.json',
        (r) => (r.scenarios[0].histograms!.latency = 'eJyTYGBg' + 'A'.repeat(40)),
        /corrupt\.json: load result "load" has a corrupt histogram/,
      ],
      ['bare.json', (r) => delete r.scenarios[0].histograms, /bare\.json: load result "load" has no latency histogram/],
      [
        'apart.json',
        (r) => {
          r.startedAt = '2020-01-01T00:00:00.000Z';
          r.finishedAt = '2020-01-01T00:00:05.000Z';
        },
        /not shards of one run: .*apart\.json ended .* before/,
      ],
    ];
    for (const [name, change, why] of cases) {
      const r = await runCli(['merge', files[0], variant(name, change), files[2], join(dir, 's4.json')]);
      expect([r.code, r.stderr], name).toEqual([2, expect.stringMatching(why)]);
    }
  }, 60_000);
});
