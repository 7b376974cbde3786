import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inChromium } from '../helpers/chromium.js';
import { runCli, type CliResult } from '../helpers/cli.js';

/**
 * `validate demo --chaos`, run once and read by every test here, as a user runs it (an 80-column terminal,
 * a JSON and an HTML report), with one generated alert rule left out of its simulated Prometheus (and a
 * short soak): one run instead of one per test, since each is a whole simulated platform under load and
 * fault. Everything but that one rule must pass; that rule must be what makes it NO-GO.
 */
const dir = mkdtempSync(join(tmpdir(), 'validate-demo-'));
type Report = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- a parsed report, read field by field
let demo: CliResult & { report: Report; html: string };

beforeAll(async () => {
  const [json, html] = [join(dir, 'demo.json'), join(dir, 'demo.html')];
  const env = { COLUMNS: '80', DEMO_DROP_RULE: 'ResponseSLA', DEMO_SOAK_DURATION: '2s' };
  const r = await runCli(['demo', '--chaos', '--out', json, '--out', html], { env });
  demo = { ...r, report: JSON.parse(readFileSync(json, 'utf8')), html };
  console.log(`demo --chaos wall time: ${r.wallMs.toFixed(0)} ms`);
}, 180_000);

const failing = (r: Report) =>
  r.criteria
    .filter((c: { status: string }) => c.status === 'fail')
    .map((c: { name: string; actual: unknown; reason?: string }) => `${c.name}: ${c.actual} ${c.reason ?? ''}`);

describe('validate demo', () => {
  it('the simulated platform meets every criterion but the left-out rule, with the features engine in maintenance; its table fits 80 columns', () => {
    const { report } = demo;
    // Every line of the terminal report within 80 columns, and nothing lost to the width: what a table leaves out it names.
    const long = demo.stdout.split('\n').filter((l) => [...l].length > 80);
    expect(long, 'lines over 80 columns').toEqual([]);
    expect(demo.stdout).toContain('(not shown at 80 columns:');
    for (const e of report.probes.filter((p: { kind: string }) => p.kind === 'engine')) expect(demo.stdout).toContain(e.name);
    expect(failing(report).join('\n'), 'criteria not met').toMatch(/^Monitoring coverage: 1 [^\n]*$/);
    expect(report.criteria.filter((c: { status: string }) => c.status === 'inconclusive')).toEqual([]);
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
    expect(
      report.faults.map((f: { name: string; status: string; tookEffect: boolean; isolated: boolean }) => [
        f.name,
        f.status,
        f.tookEffect,
        f.isolated,
      ]),
    ).toEqual([
      ['engine-restart', 'pass', true, true],
      ['bus-interruption', 'pass', true, true],
      ['database-reset', 'pass', true, true],
    ]);
    expect(
      report.criteria
        .filter((c: { category: string }) => c.category === 'Fault tolerance')
        .every((c: { status: string }) => c.status === 'pass'),
    ).toBe(true);
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

  it("the HTML report has the reference report's sections, and a time chart for every load result (or says why not), in headless Chromium", () => {
    const { dom } = inChromium(demo.html, 'demo');
    const headings = [...dom.matchAll(/<h2>([^<]+)/g)].map((m) => m[1].trim());
    expect(headings).toEqual([
      'Executive summary',
      'Phases',
      'Infrastructure health',
      'Engine matrix',
      'WebSocket endpoints',
      'Message buses',
      'Engine response times',
      'Concurrent load',
      'Arrival rate',
      'Mission-critical operations',
      'Soak',
      'Bus traffic',
      'WebSocket clients',
      'Process stability',
      'Fault tolerance',
      'Decision matrix',
      'Recommendation',
    ]);
    // Executive summary and infrastructure columns as the reference report has them.
    expect(dom).toMatch(/<th>Category<\/th><th>Target<\/th><th>Actual<\/th><th>Status<\/th><th>Grade<\/th>/);
    expect(dom).toMatch(/<th>CPU<\/th><th>Memory<\/th><th>Clients<\/th>/);
    const results: { name: string }[] = demo.report.scenarios;
    expect(results.length).toBeGreaterThan(15);
    for (const s of results) {
      const charted =
        dom.includes(`aria-label="${s.name}: latency per`) && dom.includes(`aria-label="${s.name}: throughput and errors per`);
      expect(charted || dom.includes(`${s.name}: ran `), `${s.name} has time charts or says why not`).toBe(true);
      expect(dom, `${s.name} has its row of what it loaded, status codes and errors`).toMatch(
        new RegExp(`<td>${s.name.replace(/[/]/g, '\\/')}</td><td>[^<]*(http|redis|postgres|ws)://[^<]*</td><td>`),
      );
    }
    // The mix's entries have their own rows, under the total.
    expect(dom).toContain('<tr class="ok child"><td>trading-day/GET marketdata</td>');
  });
});
