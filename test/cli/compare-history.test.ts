import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyRun } from '../../src/history/record.js';
import { openHistory } from '../../src/history/open.js';
import { runCli } from '../helpers/cli.js';
import { psql, startCluster, type Cluster } from '../helpers/postgres-cluster.js';

/**
 * `validate compare --baseline history` as a nightly job uses it: real runs of the real command against a
 * server whose latency (and failures) the test sets, kept in a history by the runs themselves (SQLite),
 * and the same reports appended to a PostgreSQL of the test's own. The independent source of the baseline
 * is the report each run wrote to disk: the test takes the median of their p99s itself.
 */
const dir = mkdtempSync(join(tmpdir(), 'validate-compare-history-'));
const place = join(dir, 'h');
const night = (i: number) => join(dir, `night-${i}.json`);
const behaviour = { delayMs: 5, fail: false };
let server: Server;
let cluster: Cluster;

/**
 * Nights 1-5 at 5 ms, GO; night 6 answers 500 (NO-GO); night 7 is GO again but at 20 ms. A busy machine may
 * hold a night's generator up (INCONCLUSIVE, exit 3): which nights are GO is read from their reports.
 */
beforeAll(async () => {
  server = createServer((_q, res) => setTimeout(() => res.writeHead(behaviour.fail ? 500 : 200).end('ok'), behaviour.delayMs));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const config = join(dir, 'v.yaml');
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  writeFileSync(
    config,
    `platform: nightly\ntargets:\n  - { name: web, kind: http, url: "${url}" }\nscenarios:\n  - { name: lat, kind: latency, targets: [web], requests: 150 }\n`,
  );
  cluster = await startCluster();
  for (let i = 1; i <= 7; i++) {
    behaviour.fail = i === 6;
    behaviour.delayMs = i === 7 ? 20 : 5;
    const r = await runCli(['run', config, '--history', place, '--label', 'env=ci', '-q', '--out', night(i)]);
    expect(i === 6 ? [1] : [0, 3], r.stderr).toContain(r.code);
  }
}, 120_000);
afterAll(async () => {
  server?.close();
  await cluster?.stop();
});

const report = (i: number) => JSON.parse(readFileSync(night(i), 'utf8'));
const p99 = (i: number): number => report(i).scenarios[0].latencyMs.p99;
/** The last `n` GO nights before night `i`, oldest first: what the baseline must be. */
const NIGHTS = [1, 2, 3, 4, 5, 6, 7];
const goBefore = (i: number, n: number, skip: number[] = []) =>
  NIGHTS.filter((k) => k < i && report(k).verdict === 'GO' && !skip.includes(k)).slice(-n);
/**
 * The nights a comparison left out of its baseline as outlier nights (a busy machine can make one): each
 * must stand outside the p99s of every other GO night before night `i`, read from the nights' own reports.
 */
const outliersOf = (c: { baseline: { outliers?: { startedAt: string }[] } }, i: number): number[] => {
  const nights = (c.baseline.outliers ?? []).map((o) => NIGHTS.find((k) => report(k).startedAt === o.startedAt)!);
  for (const k of nights) {
    const others = goBefore(i, 99, nights).map(p99);
    expect(p99(k) > Math.max(...others) || p99(k) < Math.min(...others), `night ${k}: ${p99(k)} ms among ${others}`).toBe(true);
  }
  return nights;
};
const span = (nights: number[]) => ({
  runs: nights.length,
  from: report(nights[0]).startedAt,
  startedAt: report(nights.at(-1)!).startedAt,
});
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

describe('validate compare --baseline history', () => {
  it('the newest run against the last GO runs before it: the NO-GO night is not in the baseline, and 5 ms -> 20 ms is a regression', async () => {
    const r = await runCli(['compare', '--baseline', 'history', '--history', place, '--last', '4', '--format', 'json']);
    expect(r.code, r.stderr).toBe(1);
    const c = JSON.parse(r.stdout);
    // Nights 2-5 (on a quiet machine): night 6 was NO-GO, night 7 is the current run itself.
    const bases = goBefore(7, 4, outliersOf(c, 7));
    expect(bases).not.toContain(6);
    expect(c.baseline).toMatchObject({ ...span(bases), verdict: 'GO' });
    expect(c.current).toEqual({ startedAt: report(7).startedAt, verdict: report(7).verdict });
    const s = c.scenarios[0];
    expect(s.p99).toEqual([median(bases.map(p99)), p99(7)]);
    expect(s.p99Level.runs).toBe(bases.length);
    expect(s.regression).toBe(true);
    // Every percentile moved with the server's delay (and the closed model's rate with it): each is named.
    expect(s.why.map((w: string) => w.split(' ')[0])).toEqual(['p50', 'p90', 'p99', 'rps']);
    expect(s.why[2]).toMatch(
      new RegExp(`^p99 up \\d+\\.\\d% \\(\\+\\d+\\.\\d\\d ms\\), past the ${bases.length} runs' \\d+\\.\\d\\d \\+- \\d+\\.\\d\\d ms$`),
    );
    // The table says the same, and which runs it read.
    const table = await runCli(['compare', '--baseline', 'history', '--history', place, '--last', '4'], { env: { COLUMNS: '80' } });
    expect(table.stdout.split('\n').filter((l) => [...l].length > 80)).toEqual([]);
    expect(table.stdout.split('\n\n')[0].replace(/\n/g, ' ')).toMatch(
      /^Comparison: the last \d GO runs of .*history\.db \(\d{4}-\d\d-\d\d \d\d:\d\d to /,
    );
    expect(table.stdout).toContain('REGRESSED beyond the bounds');
  });

  it('a saved report is compared with the GO runs before it, never with itself or later ones; fewer than asked is said', async () => {
    // Bounds no busy machine reaches (a 20 ms p99 floor, throughput down 100%): nights 1-5 ran alike, and a
    // 2-core machine running other tests may still move a 6 ms p99, or a closed loop's throughput, a long way.
    const r = await runCli(
      ['compare', '--baseline', 'history', night(5), '--min-p99-increase', '20', '--max-rps-decrease', '100', '-f', 'json'],
      {
        env: { VALIDATE_HISTORY: place },
      },
    );
    expect(r.code, r.stderr).toBe(report(5).verdict === 'GO' ? 0 : 3);
    const c = JSON.parse(r.stdout);
    const bases = goBefore(5, 10, outliersOf(c, 5));
    expect(c.baseline).toMatchObject(span(bases));
    expect(c.baseline.note).toContain(`The baseline is ${bases.length} GO run(s), all the history holds before this one (asked for 10).`);
    expect(c.scenarios[0].p99[0]).toBe(median(bases.map(p99)));
    // The NO-GO night against the GO nights before it: the verdict and the error criterion regressed.
    const bad = JSON.parse((await runCli(['compare', '--baseline', 'history', night(6), '--history', place, '-f', 'json'])).stdout);
    expect(bad.changes.find((x: { what: string }) => x.what === 'verdict')).toEqual({
      what: 'verdict',
      name: 'verdict',
      before: 'GO',
      after: 'NO-GO',
      regression: true,
    });
    expect(bad.changes.filter((x: { what: string; regression: boolean }) => x.what === 'criterion' && x.regression)).not.toEqual([]);
  });

  it('the first run has nothing before it: INCONCLUSIVE (exit 3), saying what the history holds', async () => {
    const r = await runCli(['compare', '--baseline', 'history', night(1), '--history', place]);
    expect(r.code).toBe(3);
    // The sentence as it reads, wrapped to the terminal's width.
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(
      `Nothing to compare with: the history ${place}/history.db holds no run of "nightly" before this one (${report(1).startedAt})`,
    );
    const other = await runCli(['compare', '--baseline', 'history', '--history', place, '--label', 'env=prod']);
    expect([other.code, other.stderr]).toEqual([
      4,
      `validate: the history ${place}/history.db holds no run labelled env=prod to compare: give a report (validate compare --baseline history CURRENT.json), or keep runs with validate run --history\n`,
    ]);
  });

  it('damaged kept reports (not JSON; gzip that does not unpack) are left out with a line each, and older GO runs take their place', async () => {
    const copy = join(dir, 'damaged');
    execFileSync('mkdir', ['-p', copy]);
    execFileSync('cp', [join(place, 'history.db'), join(copy, 'history.db')]);
    const db = join(copy, 'history.db');
    const idOf = (night: number) =>
      execFileSync('sqlite3', [db, `SELECT id FROM runs WHERE started_at = '${report(night).startedAt}'`], { encoding: 'utf8' }).trim();
    // The two newest GO nights before night 7 that are no outlier nights (those are never read): one plain
    // text that is not JSON, one packed that does not unpack.
    const before = JSON.parse((await runCli(['compare', '--baseline', 'history', '--history', copy, '--last', '9', '-f', 'json'])).stdout);
    const outliers = outliersOf(before, 7);
    const [older, newer] = goBefore(7, 2, outliers);
    execFileSync('sqlite3', [db, `UPDATE runs SET report = '{"half a rep' WHERE id = '${idOf(newer)}'`]);
    execFileSync('sqlite3', [db, `UPDATE runs SET report = 'gz1:AAAAbroken' WHERE id = '${idOf(older)}'`]);
    const r = await runCli(['compare', '--baseline', 'history', '--history', copy, '--last', '3', '-f', 'json']);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(`^validate: left out of the baseline: run ${idOf(newer)} \\(${report(newer).startedAt}\\) in .*: not JSON \\(`),
      ),
      expect.stringMatching(
        new RegExp(`^validate: left out of the baseline: run ${idOf(older)} in .*history\\.db: its kept report is damaged \\(`),
      ),
    ]);
    expect(JSON.parse(r.stdout).baseline).toMatchObject(
      span(
        goBefore(7, 99, outliers)
          .filter((k) => k !== newer && k !== older)
          .slice(-3),
      ),
    );
  });

  it('a PostgreSQL history holding the same runs gives the same comparison, its password nowhere in the output', async () => {
    psql(cluster.url, 'CREATE DATABASE nightly');
    const url = cluster.url.replace('postgres@', 'postgres:pw-secret-9@').replace(/\/postgres$/, '/nightly');
    const store = await openHistory(url);
    for (let i = 1; i <= 7; i++) await store.append(historyRun(report(i), { configHash: 'x', labels: { env: 'ci' } }));
    await store.close();
    const args = ['compare', '--baseline', 'history', '--last', '4', '-f', 'json', '--label', 'env=ci'];
    const fromPg = await runCli([...args, '--history', url]);
    const fromSqlite = await runCli([...args, '--history', place]);
    expect(fromPg.code).toBe(1);
    const [a, b] = [JSON.parse(fromPg.stdout), JSON.parse(fromSqlite.stdout)];
    expect(a.baseline.place).toBe(url.replace('pw-secret-9', '***'));
    expect({ ...a, baseline: { ...a.baseline, place: '' } }).toEqual({ ...b, baseline: { ...b.baseline, place: '' } });
    const table = await runCli(['compare', '--baseline', 'history', '--history', url]);
    expect(fromPg.stdout + fromPg.stderr + table.stdout + table.stderr).not.toContain('pw-secret-9');
  });

  it('arguments that do not say which runs are refused with the form that works', async () => {
    const cases: [string[], string][] = [
      [['compare', night(1)], 'compare needs BASELINE.json CURRENT.json, or --baseline history [CURRENT.json]'],
      [['compare', '--baseline', 'history', night(1), night(2)], 'with --baseline history, give the current report alone'],
      [['compare', '--history', place, night(1), night(2)], '--history, --last and --label choose the runs of --baseline history'],
      [['compare', '--baseline', 'histroy', night(2)], '--baseline histroy: no such file; give a saved JSON report, or --baseline history'],
      [['compare', '--baseline', night(1), join(dir, 'v.yaml')], '); pass a report written with --format json or --out FILE.json'],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, { env: { VALIDATE_HISTORY: '' } });
      expect([r.code, r.stderr]).toEqual([2, expect.stringContaining(message)]);
    }
    // Two runs alike, compared as the two-run compare does: whatever a busy machine made of them, a comparison (0 or 1), not a usage error.
    const r = await runCli(['compare', '--baseline', night(1), night(2), '-f', 'json']);
    expect([0, 1]).toContain(r.code);
    expect(JSON.parse(r.stdout).baseline).toEqual({ startedAt: report(1).startedAt, verdict: 'GO' });
  });
});
