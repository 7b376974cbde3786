/**
 * How big a year of nightly runs is, and how long keeping and listing them takes, in both stores: the
 * demo's own report (every section, histograms included) appended 365 times. `npx tsx bench/history-size.ts
 * report.json [postgres://...]`; make the report with `validate demo --out report.json`.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { historyRun } from '../src/history/record.js';
import { openHistory } from '../src/history/open.js';
import type { Report } from '../src/reports/model.js';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Report;
const day = 86_400_000;
const runs = Array.from({ length: 365 }, (_, i) =>
  historyRun(
    { ...report, startedAt: new Date(Date.UTC(2026, 0, 1) + i * day).toISOString() },
    { configHash: 'bench', labels: { env: 'prod' } },
  ),
);

async function measure(place: string, size: () => Promise<number>) {
  const store = await openHistory(place);
  const t0 = performance.now();
  for (const r of runs) await store.append(r);
  const appendMs = (performance.now() - t0) / runs.length;
  const t1 = performance.now();
  const listed = await store.list({ last: 30 });
  const listMs = performance.now() - t1;
  await store.close();
  const bytes = await size();
  console.log(
    `${place.startsWith('postgres') ? 'PostgreSQL' : 'SQLite    '}: 365 runs, ${(bytes / 1048576).toFixed(1)} MiB, ${appendMs.toFixed(1)} ms per run kept, last 30 listed in ${listMs.toFixed(0)} ms (${listed.length})`,
  );
}

console.log(
  `one report: ${(JSON.stringify(report).length / 1024).toFixed(0)} KiB of JSON (${report.scenarios.length} load results, ${report.probes.length} probes)`,
);
const folder = mkdtempSync(join(tmpdir(), 'validate-bench-history-'));
await measure(folder, async () =>
  ['history.db', 'history.db-wal'].reduce((a, f) => a + (statSync(join(folder, f), { throwIfNoEntry: false })?.size ?? 0), 0),
);
if (process.argv[3]) {
  const url = process.argv[3];
  await measure(url, async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const r = await c.query(
      "SELECT sum(pg_total_relation_size(c.oid))::float8 AS b FROM pg_class c WHERE relname IN ('runs','criteria','probes','loads','faults','meta')",
    );
    await c.end();
    return r.rows[0].b;
  });
}
