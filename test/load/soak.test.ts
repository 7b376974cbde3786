import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { decodeHistogram } from '../../src/results/histogram.js';
import type { Report } from '../../src/reports/model.js';
import { checkedExecute } from '../helpers/checked.js';
import { runCli, whyNot } from '../helpers/cli.js';
import { Redactor } from '../../src/util/redact.js';

/**
 * After `changeAtMs` (from the load's first request: the probes' /health before it does not start the
 * clock), answers slower by `slowMs` and fails /flaky requests.
 */
function degradingServer(changeAtMs: number, slowMs: number): Promise<{ url: string; server: Server }> {
  let first = 0;
  const server = createServer((req, res) => {
    req.resume();
    if (req.url !== '/health') first ||= performance.now();
    const late = performance.now() - first > changeAtMs;
    const status = late && req.url === '/flaky' ? 500 : 200;
    const reply = () => res.writeHead(status, { 'content-length': '2' }).end('ok');
    if (late && req.url !== '/health') setTimeout(reply, slowMs);
    else reply();
  });
  return new Promise((r) =>
    server.listen(0, '127.0.0.1', () => r({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server })),
  );
}

/** Never measured again: these servers keep time from the first request, so a second attempt would meet another server. */
const run = (yaml: string) => checkedExecute({ ...parseConfigText(yaml, 'soak.yaml', new Redactor(), {}), retries: 0 }, new Redactor());
const metric = (report: Report, name: string) => report.scenarios[0].measurements.find((m) => m.metric === name)?.value;

describe('soak: a mixed workload in windows', () => {
  let s: Awaited<ReturnType<typeof degradingServer>>;
  let report: Report;
  beforeAll(async () => {
    s = await degradingServer(1000, 100);
    report = await run(`
targets:
  - { name: api, kind: http, url: "${s.url}/health" }
scenarios:
  - name: day
    kind: soak
    rate: 200
    duration: 2s
    window: 400ms
    mix:
      - { weight: 3, target: api, path: /quotes }
      - { weight: 1, target: api, path: /flaky }
    conditions:
      - { name: slow, when: "p50_ms > 50", for: 600ms }
      - { name: erroring, when: "error_pct > 90", for: 400ms }
criteria:
  - scenario.day.p99_drift_pct < 50%
  - scenario.day.sustained_slow == 0
`);
  });
  afterAll(() => {
    s.server.closeAllConnections();
    s.server.close();
  });

  it('cuts the run into windows whose counts add up to the total, each with its histogram and an infrastructure sample', () => {
    const r = report.scenarios[0];
    expect(r.kind).toBe('soak');
    expect(r.windows).toHaveLength(5);
    // Each entry's row is named by its method, target and path: two entries on one target never share a name.
    expect(r.endpoints!.map((e) => e.name)).toEqual(['day/GET api /quotes', 'day/GET api /flaky']);
    expect(r.windows!.reduce((a, w) => a + w.requests, 0)).toBe(r.requests);
    expect(r.requests).toBe(400);
    for (const w of r.windows!) {
      expect(decodeHistogram(w.histogram).totalCount).toBe(w.requests);
      expect(w.infra.map((i) => [i.name, i.status])).toEqual([['api', 'pass']]);
    }
  });

  it('sees the slowdown and the errors of the second half: drift, worst window, failing windows', () => {
    const ws = report.scenarios[0].windows!;
    expect(ws[0].errors).toBe(0);
    expect(ws.at(-1)!.errorRate).toBeGreaterThan(20); // a quarter of the mix fails once the server degrades
    expect(ws.at(-1)!.latencyMs.p50).toBeGreaterThanOrEqual(95);
    // The drift is the last window's p99 against the first's: slower by the server's 100 ms (how much that is
    // relative to the first window depends on how busy the machine was then, so it is read from the windows).
    const drift = metric(report, 'p99_drift_pct')!;
    expect(ws.at(-1)!.latencyMs.p99).toBeGreaterThan(ws[0].latencyMs.p99);
    expect(drift).toBeCloseTo(((ws.at(-1)!.latencyMs.p99 - ws[0].latencyMs.p99) / ws[0].latencyMs.p99) * 100, 6);
    expect(metric(report, 'worst_window_p99_ms')).toBeGreaterThanOrEqual(100);
    expect(metric(report, 'worst_window_error_pct')).toBe(Math.max(...ws.map((w) => w.errorRate)));
    // NOT MET either way: a quarter of the second half failed, so no latency figure of this run is met.
    expect(report.criteria.find((c) => c.expression === 'scenario.day.p99_drift_pct < 50%')).toMatchObject({
      status: 'fail',
      actual: drift,
    });
  });
  // Sustained conditions over the same run's windows.
  it('finds the run of slow windows and how long it lasted; a condition that never held is zero', () => {
    const ws = report.scenarios[0].windows!;
    const slowRun = ws.filter((w) => w.latencyMs.p50 > 50).reduce((a, w) => a + w.durationMs, 0);
    expect(slowRun).toBeGreaterThanOrEqual(600);
    expect(metric(report, 'slow_longest_ms')).toBe(slowRun); // the slow windows are the consecutive last ones
    expect(metric(report, 'sustained_slow')).toBe(1);
    expect(metric(report, 'erroring_longest_ms')).toBe(0);
    expect(metric(report, 'sustained_erroring')).toBe(0);
    expect(report.criteria.find((c) => c.expression === 'scenario.day.sustained_slow == 0')).toMatchObject({ status: 'fail', actual: 1 });
  });

  it('a condition on something a window does not have is a config error', () => {
    expect(() =>
      parseConfigText(
        'scenarios:\n  - { name: d, kind: soak, rate: 1, duration: 1s, mix: [{ weight: 1, url: "http://h/" }], conditions: [{ name: x, when: "latency > 5", for: 1s }] }\n',
        'c.yaml',
        new Redactor(),
        {},
      ),
    ).toThrow(
      'c.yaml:2:121: scenarios[0].conditions[0].when: invalid condition: the left side must be one of p50_ms, p90_ms, p99_ms, max_ms, mean_ms, error_pct, rps, e.g. "p99_ms > 500"',
    );
  });
});

/** Freezes every answer between `fromMs` and `toMs` after its first request (answers then at `toMs`); counts requests by path. */
function freezingServer(
  fromMs: number,
  toMs: number,
  healthDelayMs = 0,
): Promise<{ url: string; server: Server; byPath: Map<string, number> }> {
  let first = 0;
  const byPath = new Map<string, number>();
  const server = createServer((req, res) => {
    req.resume();
    const reply = () => res.writeHead(200, { 'content-length': '2' }).end('ok');
    if (req.url === '/health') return void setTimeout(reply, healthDelayMs);
    byPath.set(req.url!, (byPath.get(req.url!) ?? 0) + 1);
    first ||= performance.now();
    const t = performance.now() - first;
    if (t >= fromMs && t < toMs) setTimeout(reply, toMs - t);
    else reply();
  });
  return new Promise((r) =>
    server.listen(0, '127.0.0.1', () => r({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server, byPath })),
  );
}

describe('soak in two worker shards', () => {
  it("the merged windows hold both shards' requests, window by window, each window's histogram its count (the server's own total)", async () => {
    const s = await freezingServer(Infinity, Infinity);
    const file = join(mkdtempSync(join(tmpdir(), 'validate-soak-')), 'soak.yaml');
    writeFileSync(
      file,
      `scenarios:\n  - { name: day, kind: soak, rate: 200, duration: 1s, window: 250ms, mix: [{ weight: 1, url: "${s.url}/quotes" }] }\n`,
    );
    try {
      const r = await runCli(['run', file, '--workers', '2', '--format', 'json', '--retries', '0']);
      const [day] = JSON.parse(r.stdout).scenarios;
      expect(r.code, whyNot(r)).toBe(day.validity === 'VALID' ? 0 : 3);
      expect(day.requests).toBe(s.byPath.get('/quotes'));
      expect(day.windows).toHaveLength(4);
      // One shard's windows alone would hold half: the soak kind adds them window by window.
      expect(day.windows.reduce((a: number, w: { requests: number }) => a + w.requests, 0)).toBe(day.requests);
      for (const w of day.windows) expect(decodeHistogram(w.histogram).totalCount).toBe(w.requests);
    } finally {
      s.server.closeAllConnections();
      s.server.close();
    }
  });
});

describe('soak windows by when requests were due', () => {
  it('a 2 s freeze shows in every window it covers, so a 2 s sustained condition fires', async () => {
    const s = await freezingServer(1000, 3000);
    try {
      const report = await run(`
scenarios:
  - name: day
    kind: soak
    rate: 100
    duration: 5s
    window: 1s
    mix: [{ weight: 1, url: "${s.url}/quotes" }]
    conditions: [{ name: slow, when: "p99_ms > 500", for: 2s }]
`);
      const ws = report.scenarios[0].windows!;
      // The requests due during the freeze belong to the windows they were due in (counted finished, they
      // would all land in the window after the freeze and leave two quiet windows).
      expect(ws.map((w) => w.requests)).toEqual([100, 100, 100, 100, 100]);
      expect(ws[1].latencyMs.p99).toBeGreaterThan(900); // due in the first second of the freeze: waited 1-2 s
      expect(ws[2].latencyMs.p99).toBeGreaterThan(500); // due in its second second: waited up to 1 s
      expect(ws[3].latencyMs.p99).toBeLessThan(100);
      expect(metric(report, 'sustained_slow')).toBe(1);
      expect(metric(report, 'slow_longest_ms')).toBe(2000);
      expect(s.byPath.get('/quotes')).toBe(report.scenarios[0].requests);
    } finally {
      s.server.closeAllConnections();
      s.server.close();
    }
  });

  it('the achieved rate is over the time requests were due, not the infrastructure sampling after; each mix entry has its own row', async () => {
    // Each infrastructure sample waits 700 ms for the slow health check: it must not count as load time.
    const s = await freezingServer(Infinity, Infinity, 700);
    try {
      const report = await run(`
targets:
  - { name: api, kind: http, url: "${s.url}/health", timeout: 2s }
scenarios:
  - name: day
    kind: soak
    rate: 200
    duration: 2s
    window: 1s
    mix:
      - { weight: 3, url: "${s.url}/quotes", name: quotes }
      - { weight: 1, url: "${s.url}/orders", name: orders }
`);
      const r = report.scenarios[0];
      const delivered = (s.byPath.get('/quotes') ?? 0) + (s.byPath.get('/orders') ?? 0);
      expect(r.requests).toBe(delivered);
      // ~200/s over the 2 s the requests were due; with the 700 ms sample counted it would be at most 400 / 2.7 s = 148/s.
      // The span's ends are the clock readings of a loaded machine: within 1% of 2 s (a hog made it 1.997 s).
      expect(r.rps).toBeGreaterThan(delivered / 2.5);
      expect(r.rps).toBeLessThanOrEqual((delivered / 2) * 1.01);
      expect(r.endpoints!.map((e) => [e.name, e.requests])).toEqual([
        ['day/quotes', s.byPath.get('/quotes')],
        ['day/orders', s.byPath.get('/orders')],
      ]);
      expect(s.byPath.get('/quotes')).toBe(300); // weights 3:1 of 400 arrivals, exactly
    } finally {
      s.server.closeAllConnections();
      s.server.close();
    }
  });
});

describe('stress: the nominal rate, then a multiple of it', () => {
  it('a server with a fixed capacity degrades at 10x: the p99 growth and the verdict say so', async () => {
    // One request at a time, 4 ms each: 250/s at most. 50/s is easy; 500/s queues without end.
    let busyUntil = 0;
    const server = createServer((req, res) => {
      req.resume();
      const start = Math.max(performance.now(), busyUntil);
      busyUntil = start + 4;
      setTimeout(() => res.writeHead(200, { 'content-length': '2' }).end('ok'), busyUntil - performance.now());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    const report = await run(
      `scenarios:\n  - { name: high-load, kind: stress, url: "${url}", rate: 50, multiple: 10, duration: 1s }\ncriteria:\n  - scenario.high-load.degraded == 0\n`,
    );
    server.closeAllConnections();
    server.close();
    const [base, stressed] = report.scenarios;
    expect([base.name, base.targetRps, stressed.name, stressed.targetRps]).toEqual(['high-load-baseline', 50, 'high-load', 500]);
    const growth = stressed.measurements.find((m) => m.metric === 'p99_increase_pct')!.value;
    expect(growth).toBeCloseTo(((stressed.latencyMs.p99 - base.latencyMs.p99) / base.latencyMs.p99) * 100, 6);
    expect(growth).toBeGreaterThan(100);
    expect(stressed.measurements.find((m) => m.metric === 'degraded')!.value).toBe(1);
    expect(report.verdict).toBe('NO-GO');
  });
});

describe('uptime: probes repeat while load runs', () => {
  it('a target that dies during the run has its availability measured, and a criterion on it fails', async () => {
    const load = await degradingServer(Infinity, 0);
    const victim = await degradingServer(Infinity, 0);
    setTimeout(() => {
      victim.server.closeAllConnections();
      victim.server.close();
    }, 1000);
    const report = await run(`
targets:
  - { name: api, kind: http, url: "${load.url}/health" }
  - { name: cache-ui, kind: http, url: "${victim.url}/health", required: false }
monitor: { interval: 200ms }
scenarios:
  - { name: steady, kind: rate, url: "${load.url}/x", rate: 50, duration: 2s }
criteria:
  - { name: Uptime, expect: "targets.uptime_pct > 95%" }
`);
    load.server.close();
    const up = (name: string) => report.probes.find((p) => p.name === name)!.measurements.find((m) => m.metric === 'uptime_pct')!.value;
    const checks = report.probes.find((p) => p.name === 'api')!.measurements.find((m) => m.metric === 'uptime_checks')!.value;
    expect(checks).toBeGreaterThanOrEqual(5);
    expect(up('api')).toBe(100);
    expect(up('cache-ui')).toBeGreaterThan(0);
    expect(up('cache-ui')).toBeLessThan(100);
    expect(report.criteria.find((c) => c.name === 'Uptime')).toMatchObject({ status: 'fail', actual: up('cache-ui') });
  });
});
