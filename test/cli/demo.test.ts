import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inChromium, pageHeight, printedPages } from '../helpers/chromium.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { POSTGRES_URL } from '../helpers/services.js';

/**
 * `validate demo --chaos`, run once and read by every test here, as a user runs it (an 80-column terminal,
 * a JSON and an HTML report), with one generated alert rule left out of its simulated Prometheus (and a
 * short soak): one run instead of one per test, since each is a whole simulated platform under load and
 * fault. Everything but that one rule must pass; that rule must be what makes it NO-GO.
 */
const dir = mkdtempSync(join(tmpdir(), 'validate-demo-'));
type Report = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a parsed report, read field by field
let demo: CliResult & { report: Report; html: string };
/** The machine's own Redis and PostgreSQL, as their own counters say, before and after the demo. */
const machine: { before?: MachineCounts; after?: MachineCounts } = {};
interface MachineCounts {
  redisConnections: number;
  demoKeys: number;
  postgresSessions: number;
}

/** Each reading connects twice to Redis (the keys, then the counter) and once to PostgreSQL: the only connections between two readings when the demo touched neither. */
function machineCounts(): MachineCounts {
  const cli = (...args: string[]) => execFileSync('redis-cli', ['-p', '6379', ...args], { encoding: 'utf8' });
  const psql = (sql: string) => execFileSync('psql', [POSTGRES_URL, '-Atc', sql], { encoding: 'utf8' }).trim();
  const demoKeys = Number(cli('EVAL', "return #redis.call('KEYS', 'demo:*')", '0').trim());
  return {
    demoKeys,
    redisConnections: Number(/total_connections_received:(\d+)/.exec(cli('INFO', 'stats'))![1]),
    postgresSessions: Number(psql('SELECT sum(sessions) FROM pg_stat_database')),
  };
}

beforeAll(async () => {
  const [json, html] = [join(dir, 'demo.json'), join(dir, 'demo.html')];
  const env = { COLUMNS: '80', DEMO_DROP_RULE: 'ResponseSLA', DEMO_SOAK_DURATION: '2s' };
  machine.before = machineCounts();
  const r = await runCli(['demo', '--chaos', '--out', json, '--out', html], { env });
  machine.after = machineCounts();
  demo = { ...r, report: JSON.parse(readFileSync(json, 'utf8')), html };
  console.log(`demo --chaos wall time: ${r.wallMs.toFixed(0)} ms`);
}, 180_000);

const failing = (r: Report) =>
  r.criteria
    .filter((c: { status: string }) => c.status === 'fail')
    .map((c: { name: string; actual: unknown; reason?: string }) => `${c.name}: ${c.actual} ${c.reason ?? ''}`);

describe('validate demo', () => {
  it("touches nothing of the machine's own Redis and PostgreSQL, even with --chaos: its own servers, on other ports, removed after", () => {
    const { before, after } = machine;
    // Between the readings, only the second reading's own connections (this file runs alone): two to Redis, one to PostgreSQL.
    expect(after!.redisConnections - before!.redisConnections).toBe(2);
    expect(after!.postgresSessions - before!.postgresSessions).toBe(1);
    expect(after!.demoKeys).toBe(before!.demoKeys);
    const servers = demo.report.probes.filter((p: { kind: string }) => p.kind === 'redis' || p.kind === 'postgres');
    expect(servers.length).toBeGreaterThanOrEqual(2);
    for (const p of servers) expect(p.target, p.name).not.toMatch(/:(6379|5432)\b/);
    expect(demo.stderr.replace(/\s+/g, ' ')).toMatch(/its redis is its own, on 127\.0\.0\.1:\d+, removed after/);
  });

  it('the simulated platform meets every criterion but the left-out rule, with the features engine in maintenance; its table fits 80 columns', () => {
    const { report } = demo;
    const notMet = failing(report).join('\n');
    expect(notMet, `criteria not met: ${notMet}`).toMatch(/^Monitoring coverage: 1 [^\n]*$/);
    // The terminal summary: within 80 columns and 60 lines, the verdict first, the blocker with the rule it misses.
    const lines = demo.stdout.trimEnd().split('\n');
    expect(
      [...lines, ...demo.stderr.split('\n')].filter((l) => [...l].length > 80),
      'lines over 80 columns (stdout and its notes on stderr)',
    ).toEqual([]);
    // A busy runner's numbers that their error bars leave undecided add a "Not judged" block (and a line
    // or two naming them among the criteria): the rest stays within 60.
    // On a NO-GO those findings are listed among the blockers instead, each a `?` line and its continuation.
    const start = lines.indexOf('Not judged');
    const undecidedLines = lines.filter(
      (l, i) =>
        l.startsWith('? ') ||
        (l.startsWith('    ') &&
          lines
            .slice(0, i)
            .reverse()
            .find((x) => !x.startsWith('    '))
            ?.startsWith('? ')),
    );
    const block = start < 0 ? undecidedLines.length : lines.slice(start).findIndex((l) => l === '') + 2;
    const unsure = report.criteria.some((c: { status: string }) => c.status === 'inconclusive');
    expect(lines.length - block).toBeLessThanOrEqual(unsure ? 64 : 60);
    expect(lines[0]).toMatch(/^ NO-GO {2}1 blocker/);
    expect(lines.at(-1)).toBe(lines[0]);
    expect(demo.stdout.replace(/\s+/g, ' ')).toContain(
      '✗ Monitoring coverage: 1, needed no rules missing on monitoring; not met by: monitoring: ResponseSLA',
    );
    expect(demo.stdout).toContain('Every table and chart: --detail, or the HTML report');
    // Each load result with its rate and percentiles, and every criterion of the config by name.
    const flat = demo.stdout.replace(/\s+/g, ' ');
    expect(lines.find((l) => l.includes('req/s'))).toMatch(/Load +req\/s +p50 +p90 +p99 +max +errors/);
    for (const s of report.scenarios)
      expect(
        lines.some((l) => l.startsWith(`✓ ${s.name} `) || l.startsWith(`! ${s.name} `)),
        s.name,
      ).toBe(true);
    for (const c of report.criteria.filter((x: { implicit?: boolean }) => !x.implicit)) expect(flat, c.name).toContain(c.name);
    // Only numbers within their error bars may be left undecided (a 5 ms SLA read at 2.9 ms ± 2.9 ms: the
    // generator's own delay on 2 cores can be that much, on a quiet machine too), naming the machine's load
    // when it was busy; and a fault's isolation where a bystander only timed out on a busy machine: never a
    // doubt of another kind.
    const undecided = report.criteria.filter((c: { status: string }) => c.status === 'inconclusive');
    for (const c of undecided)
      if (c.category === 'Fault tolerance') expect(c.reason, c.name).toMatch(/while this machine was busy \(load /);
      else {
        expect(c, JSON.stringify(c)).toMatchObject({ margin: expect.any(Number) });
        if (c.busyMachine !== undefined) expect(c.busyMachine).toMatch(/CPU pressure|load/);
      }
    expect(report.summary.optionalFailing).toEqual(['features']);
    expect(report.probes.filter((p: { kind: string }) => p.kind === 'engine')).toHaveLength(10);
    expect(report.criteria.find((c: { name: string }) => c.name === 'Engine health')).toMatchObject({
      actual: 90,
      outcome: 'MET',
      status: 'pass',
    });
  });

  it('the decision matrix has a coverage row, NOT MET with a generated rule left out: the one thing that makes this run NO-GO', () => {
    const coverage = demo.report.criteria.find((c: { name: string }) => c.name === 'Monitoring coverage');
    expect(coverage).toMatchObject({ outcome: 'NOT MET', actual: 1, status: 'fail' });
    const prometheus = demo.report.probes.find((p: { kind: string }) => p.kind === 'prometheus');
    expect(prometheus.warnings).toContain('alerting rule(s) not loaded: ResponseSLA');
    const required = prometheus.measurements.find((m: { metric: string; labels?: object }) => m.metric === 'rules_required' && !m.labels);
    expect(required.value).toBeGreaterThan(10);
    expect([demo.report.verdict, demo.code]).toEqual(['NO-GO', 1]);
  });

  it('--chaos restarts an engine, cuts a bus and resets the database; every fault takes effect, recovers, isolated', () => {
    const { report } = demo;
    type Fault = { name: string; status: string; tookEffect: boolean; recovered: boolean; isolated: boolean; error?: string };
    expect(report.faults.map((f: Fault) => [f.name, f.tookEffect, f.recovered])).toEqual([
      ['engine-restart', true, true],
      ['bus-interruption', true, true],
      ['database-reset', true, true],
    ]);
    // Isolated; or, where a bystander's check only timed out while a shared runner was busy, not known, and said so.
    for (const f of report.faults as Fault[]) {
      if (f.status === 'pass') expect(f.isolated, f.name).toBe(true);
      else
        expect([f.name, f.status, f.error]).toEqual([f.name, 'inconclusive', expect.stringMatching(/while this machine was busy \(load /)]);
    }
    const unsure = report.faults.some((f: Fault) => f.status === 'inconclusive');
    for (const c of report.criteria.filter((x: { category: string }) => x.category === 'Fault tolerance'))
      expect([c.name, c.status]).toEqual([c.name, unsure ? expect.stringMatching(/^(pass|inconclusive)$/) : 'pass']);
    expect(demo.stderr).toContain('fault engine-restart: about to call POST http://127.0.0.1:');
    expect(report.scenarios.find((s: { name: string }) => s.name === 'trading-day').windows.length).toBeGreaterThanOrEqual(2);
    // The bus interruption was injected into the feed's traffic: what it cost is counted from that traffic.
    const cut = report.faults.find((f: { name: string }) => f.name === 'bus-interruption');
    const feed = report.scenarios.find((s: { name: string }) => s.name === 'md-feed');
    expect(cut.traffic.scenario).toBe('md-feed');
    expect(cut.traffic.published).toBeGreaterThan(0);
    expect(cut.traffic.lost).toBeLessThanOrEqual(feed.delivery.lost);
    expect(cut.traffic.gapMs).toBeGreaterThan(0);
    expect(feed.delivery.published).toBe(feed.delivery.delivered + feed.delivery.lost);
    console.log(
      `demo --chaos bus interruption: ${cut.traffic.lost} of ${cut.traffic.published} lost, longest gap ${cut.traffic.gapMs.toFixed(1)} ms`,
    );
  });

  it('the HTML report: blockers, summary, checklist and decision matrix first, every other section folded (under 6,000 px at 1280), unfolded in print; charts only where they say something', () => {
    const { dom } = inChromium(demo.html, 'demo', '1280,2400');
    const headings = [...dom.matchAll(/<h2>([^<]+)/g)].map((m) => m[1].trim());
    expect(headings).toEqual([
      'Blockers',
      'Executive summary',
      'Go-live checklist',
      'Decision matrix',
      'Phased deployment',
      'Infrastructure health',
      'Engine matrix',
      'WebSocket endpoints',
      'Hardware acceleration',
      'Engines communicating',
      'Message buses',
      'Engine response times',
      'Concurrent load',
      'Arrival rate',
      'Horizontal scaling',
      'Mission-critical operations',
      'Soak',
      'Bus traffic',
      'WebSocket clients',
      'Process stability',
      'Fault tolerance',
      'Monitoring: alert thresholds',
      'Recommendation',
    ]);
    expect(dom.match(/<details>/g)).toHaveLength(headings.length - 4);
    expect(pageHeight(demo.html)).toBeLessThan(6000);
    // Print unfolds every section: the same page without its print rule prints fewer pages.
    const folded = join(dir, 'folded.html');
    writeFileSync(folded, readFileSync(demo.html, 'utf8').replace(/details::details-content\{[^}]*\}/, ''));
    expect(printedPages(demo.html)).toBeGreaterThan(printedPages(folded));
    // Executive summary and infrastructure columns as the reference report has them; the blocker names the rule.
    expect(dom).toMatch(/<th>Category<\/th><th>Requirement<\/th><th>Actual<\/th><th>Status<\/th><th>Grade<\/th>/);
    expect(dom).toMatch(/<th>CPU<\/th><th>Memory<\/th><th>Clients<\/th>/);
    expect(dom).toContain('<b>Monitoring coverage</b>: 1, needed no rules missing on monitoring; not met by: monitoring: ResponseSLA');
    // The alert thresholds production runs with, and which one the Prometheus has not loaded.
    expect(dom).toMatch(/<tr class="bad"><td class="nw">ResponseSLA<\/td>.*?not loaded \(monitoring\)<\/td><\/tr>/);
    const results: { name: string; durationMs: number }[] = demo.report.scenarios;
    expect(results.length).toBeGreaterThan(15);
    for (const s of results) {
      // A time chart only for a result of 10 s or more: a few seconds of points say nothing a table row does not.
      expect(dom.includes(`aria-label="${s.name}: latency per`), `${s.name} (${s.durationMs} ms) has a time chart`).toBe(
        s.durationMs >= 10_000,
      );
      expect(dom, `${s.name} has its row of what it loaded, status codes and errors`).toMatch(
        new RegExp(`<td>${s.name.replace(/[/]/g, '\\/')}</td><td>[^<]*(http|redis|postgres|ws)://[^<]*</td><td>`),
      );
    }
    // The mix's entries have their own rows, under the total.
    expect(dom).toContain('<tr class="ok child"><td>trading-day/GET marketdata</td>');
  });
});
