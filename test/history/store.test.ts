import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyRun } from '../../src/history/record.js';
import { openHistory } from '../../src/history/open.js';
import { loadNumbers } from '../../src/results/trend-metrics.js';
import { openPostgres } from '../../src/history/postgres-store.js';
import { SCHEMA_VERSION } from '../../src/history/schema.js';
import type { HistoryStore } from '../../src/history/store.js';
import { fixedReport } from '../helpers/fixed-report.js';
import { psql, startCluster, type Cluster } from '../helpers/postgres-cluster.js';

/**
 * The two stores behind `--history`: a folder (SQLite, nothing else installed) and a PostgreSQL of the
 * test's own. The same tests run on both: what goes in comes out, labels and retention, and two processes
 * appending at once lose nothing (counted in the database itself, with sqlite3 and psql's own view too).
 */
const run = promisify(execFile);
const at = (day: number, labels: Record<string, string> = {}) => {
  const report = { ...fixedReport(), startedAt: new Date(Date.UTC(2026, 10, day, 2, 0, 0)).toISOString() };
  return historyRun(report, { configHash: 'abc', labels });
};

let cluster: Cluster;
beforeAll(async () => {
  cluster = await startCluster();
  psql(cluster.url, 'CREATE DATABASE history');
}, 60_000);
afterAll(() => cluster?.stop());

const places: [string, () => string][] = [
  ['a folder (SQLite)', () => mkdtempSync(join(tmpdir(), 'validate-history-'))],
  ['PostgreSQL', () => cluster.url.replace(/\/postgres$/, `/h${Math.random().toString(36).slice(2, 8)}`)],
];

describe.each(places)('the history in %s', (_name, place) => {
  let store: HistoryStore;
  let where: string;
  beforeAll(async () => {
    where = place();
    if (where.startsWith('postgres')) psql(cluster.url, `CREATE DATABASE ${where.split('/').pop()}`);
    store = await openHistory(where);
  });
  afterAll(() => store?.close());

  it('keeps each run whole: its report comes back byte for byte, its rows say its headline numbers', async () => {
    const first = at(1, { env: 'staging' });
    const id = await store.append(first);
    await store.append(at(2, { env: 'prod' }));
    await store.append(at(3, { env: 'staging', git: 'abc123' }));
    expect(await store.report(id)).toBe(first.report);
    const runs = await store.list({});
    expect(runs.map((r) => r.startedAt.slice(0, 10))).toEqual(['2026-11-01', '2026-11-02', '2026-11-03']);
    const report = fixedReport();
    expect(runs[0]).toMatchObject({ verdict: report.verdict, blockers: report.blockers, labels: { env: 'staging' } });
    expect(runs[0].loads).toEqual(report.scenarios.map((s) => ({ name: s.name, ...loadNumbers(s) })));
    // Each probe's unlabelled numbers, by the name a criterion gives them.
    const redis = report.probes.find((p) => p.kind === 'redis')!;
    const used = redis.measurements.find((m) => m.metric === 'memory_used_pct')!.value;
    expect(runs[0].probes).toContainEqual({ series: `redis.${redis.name}.memory_used_pct`, value: used });
    expect(runs[0].probes.length).toBe(report.probes.flatMap((p) => p.measurements.filter((m) => !m.labels)).length);
  });

  it('filters by label (all must match) and keeps the newest --last', async () => {
    expect((await store.list({ labels: { env: 'staging' } })).length).toBe(2);
    expect((await store.list({ labels: { env: 'staging', git: 'abc123' } })).map((r) => r.startedAt.slice(8, 10))).toEqual(['03']);
    expect((await store.list({ last: 2 })).map((r) => r.startedAt.slice(8, 10))).toEqual(['02', '03']);
  });

  it('prunes to the newest N runs, or to an age, and their rows go with them', async () => {
    for (const day of [10, 11, 12]) await store.append(at(day));
    expect(await store.prune({ runs: 4 })).toBe(2);
    expect((await store.list({})).map((r) => r.startedAt.slice(8, 10))).toEqual(['03', '10', '11', '12']);
    const ageMs = Date.now() - Date.UTC(2026, 10, 11);
    expect(await store.prune({ olderThanMs: ageMs })).toBe(2);
    expect((await store.list({})).map((r) => r.startedAt.slice(8, 10))).toEqual(['11', '12']);
  });

  it('two processes appending at once lose nothing', async () => {
    const before = (await store.list({})).length;
    const writer = `const { openHistory } = await import(${JSON.stringify(join(process.cwd(), 'dist/history/open.js'))});
      const s = await openHistory(process.argv[1]);
      const base = ${JSON.stringify(at(20))};
      for (let i = 0; i < 40; i++) await s.append({ ...base, labels: { writer: process.argv[2] } });
      await s.close();`;
    await Promise.all(['a', 'b'].map((w) => run(process.execPath, ['--input-type=module', '-e', writer, where, w], { timeout: 60_000 })));
    expect((await store.list({ labels: { writer: 'a' } })).length).toBe(40);
    expect((await store.list({ labels: { writer: 'b' } })).length).toBe(40);
    const counted = where.startsWith('postgres')
      ? Number(psql(where, 'SELECT count(*) FROM runs'))
      : Number((await run('sqlite3', [join(where, 'history.db'), 'SELECT count(*) FROM runs'])).stdout.trim());
    expect(counted).toBe(before + 80);
  });
});

describe('a history that cannot be used says so in one line, naming it and the fix', () => {
  it('a PostgreSQL history that never answers (a firewall dropping packets): its host, its timeout and the setting, no password', async () => {
    // A real socket that accepts and then says nothing, as a black-holed port behind a proxy does (no PostgreSQL can be made to hang so).
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as { port: number }).port;
    try {
      const err = await openPostgres(`postgres://nightly:s3cret@127.0.0.1:${port}/history`, 300).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).toBe(
        `history postgres://nightly:***@127.0.0.1:${port}/history (--history): no answer from 127.0.0.1:${port} within 0.3 s (a firewall dropping the packets, or the wrong host)`,
      );
    } finally {
      silent.close();
    }
  });

  it('a corrupted file, and one written by a newer validate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'validate-history-'));
    writeFileSync(join(dir, 'history.db'), 'this is not a database, just text that a crash or a copy left behind\n'.repeat(100));
    await expect(openHistory(dir)).rejects.toThrow(
      /^history .*history\.db is not a SQLite database \(corrupted, or another file\): move it aside/,
    );
    const newer = mkdtempSync(join(tmpdir(), 'validate-history-'));
    await run('sqlite3', [
      join(newer, 'history.db'),
      "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema_version', '99');",
    ]);
    await expect(openHistory(newer)).rejects.toThrow(
      new RegExp(`was written by a newer validate \\(history schema 99; this one knows up to ${SCHEMA_VERSION}\\): upgrade validate`),
    );
  });

  it('a history written by the previous version is migrated in place, its runs kept', async () => {
    const old = mkdtempSync(join(tmpdir(), 'validate-history-'));
    // Version 1's tables, as validate 0.1 made them (criteria without bound), and one run in them.
    await run('sqlite3', [
      join(old, 'history.db'),
      `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema_version', '1');
       CREATE TABLE runs (id TEXT PRIMARY KEY, started_at TEXT NOT NULL, verdict TEXT NOT NULL, platform TEXT NOT NULL, config_hash TEXT NOT NULL, labels TEXT NOT NULL, tool_version TEXT NOT NULL, duration_ms DOUBLE PRECISION NOT NULL, blockers TEXT NOT NULL, report TEXT NOT NULL);
       CREATE TABLE criteria (run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, name TEXT NOT NULL, expression TEXT NOT NULL, actual DOUBLE PRECISION, outcome TEXT NOT NULL, status TEXT NOT NULL, unit TEXT NOT NULL);
       INSERT INTO runs VALUES ('r1', '2026-10-01T02:00:00.000Z', 'GO', 'p', 'h', '{}', '0.1.0', 1000, '[]', '{}');
       INSERT INTO criteria VALUES ('r1', 'Peak p99', 'scenario.peak.p99_ms < 100ms', 12, 'MET', 'pass', 'ms');`,
    ]);
    const store = await openHistory(old);
    await store.append(at(2));
    const runs = await store.list({});
    await store.close();
    expect(runs.map((r) => r.id)[0]).toBe('r1');
    expect(runs[0].criteria).toEqual([{ name: 'Peak p99', actual: 12, bound: null, outcome: 'MET' }]);
    expect(runs[1].criteria.find((c) => c.name === 'Peak p99')?.bound).toBe(100);
    expect((await run('sqlite3', [join(old, 'history.db'), "SELECT value FROM meta WHERE key = 'schema_version'"])).stdout.trim()).toBe(
      String(SCHEMA_VERSION),
    );
    // The old run's report was kept as plain JSON and reads as it was; the new one is kept gzipped, and
    // comes back byte for byte. Its size as SQLite itself counts it: a fraction of the JSON's.
    const again = await openHistory(old);
    const [, second] = await again.list({});
    expect([await again.report('r1'), await again.report(second.id)]).toEqual(['{}', at(2).report]);
    await again.close();
    const raw = (
      await run('sqlite3', [join(old, 'history.db'), `SELECT substr(report, 1, 4), length(report) FROM runs WHERE id = '${second.id}'`])
    ).stdout.trim();
    const [mark, length] = raw.split('|');
    expect(mark).toBe('gz1:');
    expect(Number(length)).toBeLessThan(at(2).report.length / 2);
  });

  it('a database that is down, and a URL of something else', async () => {
    await expect(openHistory('postgres://validate:pw-9@127.0.0.1:1/history')).rejects.toThrow(
      /^history postgres:\/\/validate:\*\*\*@127\.0\.0\.1:1\/history \(--history\): connection refused/,
    );
    await expect(openHistory('mysql://h/x')).rejects.toThrow('a history is a folder or a postgres:// URL');
  });
});
