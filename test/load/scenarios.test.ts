import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { decodeHistogram } from '../../src/results/histogram.js';
import { checkedExecute } from '../helpers/checked.js';
import { Redactor } from '../../src/util/redact.js';
import { POSTGRES_URL, startRedis, type Running } from '../helpers/services.js';

/**
 * Answers at once except during a stall: every request arriving in [stallAt, stallAt + stallFor) is held
 * until the window ends. The window is timed from the first request after start(), not from start()
 * itself: a busy machine may take a while to begin the load, and the stall must land inside it. Counts
 * what it received, the independent count tests compare with.
 */
function stallingServer(
  stallAtMs: number,
  stallForMs: number,
): Promise<{ url: string; server: Server; start(): void; received(): number }> {
  let armed = false;
  let t0 = 0;
  let received = 0;
  const server = createServer((req, res) => {
    received++;
    req.resume();
    const reply = () => res.writeHead(req.url === '/fail' ? 500 : 200, { 'content-length': '2' }).end('ok');
    if (armed && !t0) t0 = performance.now();
    const t = performance.now() - t0;
    if (t0 && t >= stallAtMs && t < stallAtMs + stallForMs) setTimeout(reply, stallAtMs + stallForMs - t);
    else reply();
  });
  return new Promise((r) =>
    server.listen(0, '127.0.0.1', () =>
      r({
        url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
        server,
        start: () => {
          armed = true;
          t0 = 0;
        },
        received: () => received,
      }),
    ),
  );
}

const run = (yaml: string) => checkedExecute(parseConfigText(yaml, 'test.yaml', new Redactor(), {}), new Redactor());

describe('load scenarios against real servers', () => {
  let plain: Awaited<ReturnType<typeof stallingServer>>;
  let redis: Running;
  beforeAll(async () => {
    plain = await stallingServer(Infinity, 0);
    redis = await startRedis();
  });
  afterAll(async () => {
    plain.server.closeAllConnections();
    plain.server.close();
    await redis?.stop();
  });

  it('closed model: exactly the requests asked, split across users; errors counted with their cause', async () => {
    const report = await run(`
scenarios:
  - { name: ok, kind: concurrency, url: "${plain.url}/", levels: [1, 7], requests: 301 }
  - { name: bad, kind: concurrency, url: "${plain.url}/fail", levels: [3], requests: 30 }
`);
    expect(report.scenarios.map((s) => [s.name, s.requests, s.errors, s.connections])).toEqual([
      ['ok-1', 301, 0, 1],
      ['ok-7', 301, 0, 7],
      ['bad-3', 30, 30, 3],
    ]);
    expect(report.scenarios[2]).toMatchObject({
      status: 'fail',
      successRate: 0,
      statusCounts: { 500: 30 },
      errorCauses: { 'HTTP 500': 30 },
    });
    expect(decodeHistogram(report.scenarios[0].histograms.latency).totalCount).toBe(301);
  });

  it('latency: N sequential requests per target', async () => {
    const report = await run(`
targets:
  - { name: a, kind: http, url: "${plain.url}/a" }
  - { name: b, kind: engine, url: "${plain.url}" }
scenarios:
  - { name: lat, kind: latency, targets: [a, b], requests: 25 }
criteria:
  - scenario.lat-a.success_rate >= 100%
`);
    expect(report.scenarios.map((s) => [s.name, s.requests, s.connections, s.target])).toEqual([
      ['lat-a', 25, 1, `GET ${plain.url}/a`],
      ['lat-b', 25, 1, `GET ${plain.url}/health`],
    ]);
    expect(report.verdict).toBe('GO');
  });

  it('open model: a stall shows in every request that was due during it (coordinated-omission correction)', async () => {
    const stall = await stallingServer(1000, 1000);
    stall.start();
    const report = await run(
      `generator: { retries: 0 }\nscenarios:\n  - { name: co, kind: rate, url: "${stall.url}/", rate: 200, duration: 3s }\n`,
    );
    stall.server.close();
    const r = report.scenarios[0];
    expect(r.requests).toBe(600);
    expect(stall.received()).toBe(600); // what the server itself received
    expect([r.dropped, r.queued]).toEqual([0, 0]); // connections opened as needed: nothing waited in the generator
    // 200 of 600 requests were due during the 1 s stall: from their due time they waited up to a second,
    // so the corrected p90 sits inside the stall, and the p50 outside it.
    expect(r.latencyMs.p90).toBeGreaterThan(300);
    expect(r.latencyMs.max).toBeGreaterThan(800);
    expect(r.latencyMs.p50).toBeLessThan(r.latencyMs.p90 / 10);
    expect(r.validity).toBe('VALID');
  });

  it('a run that ends inside a stall leaves no request out: what the drain catches is timed from its due time, what it does not is a failure', async () => {
    // The stall starts 1.5 s in and lasts 2 s; the run is 2 s long.
    const stall = await stallingServer(1500, 2000);
    stall.start();
    const drained = await run(
      `generator: { retries: 0 }\nscenarios:\n  - { name: drained, kind: rate, url: "${stall.url}/", rate: 200, duration: 2s }\n`,
    );
    const r = drained.scenarios[0];
    expect(r.requests).toBe(400);
    expect(stall.received()).toBe(400);
    expect(r.successRate).toBe(100);
    // The first request due in the stall (at 1.5 s) was answered when it ended (3.5 s): 2 s from its due time.
    expect(r.latencyMs.max).toBeGreaterThan(1900);
    expect(r.latencyMs.p90).toBeGreaterThan(500); // 100 of 400 were due in the stall

    // The same, with a drain (the request timeout) shorter than the rest of the stall: whatever is still
    // unanswered when it ends is a failure, timed at least to then, never left out.
    const stall2 = await stallingServer(1500, 2000);
    stall2.start();
    const cut = await run(
      `generator: { retries: 0 }\nscenarios:\n  - { name: cut, kind: rate, url: "${stall2.url}/", rate: 200, duration: 2s, timeout: 700ms }\n`,
    );
    const c = cut.scenarios[0];
    expect(c.requests).toBe(400);
    expect(c.errors).toBeGreaterThan(90); // those due in the stall: none answered within the drain
    expect(c.successRate).toBeLessThan(80);
    expect(c.latencyMs.p99).toBeGreaterThan(600);
    expect(cut.criteria.find((x) => x.name === 'Errors within budget')).toMatchObject({ status: 'fail' });
    stall.server.closeAllConnections();
    stall2.server.closeAllConnections();
  });

  it("open model: when the connection cap binds, requests wait in the generator's own queue, and the result says so (INVALID past 1%); measured again, the stall is gone and the result stands", async () => {
    const stall = await stallingServer(300, 800);
    stall.start();
    // The stall happens once: the first attempt is INVALID; the one measured again (generator.retries: 1) is not.
    const retried = await run(
      `scenarios:\n  - { name: capped, kind: rate, url: "${stall.url}/", rate: 200, duration: 1500ms, maxConnections: 20 }\n`,
    );
    const again = retried.scenarios[0];
    const seen = JSON.stringify({
      validity: again.validity,
      attempts: again.attempts,
      queued: again.queued,
      retried: again.retried,
      why: again.invalidReason,
    });
    expect(again, seen).toMatchObject({ attempts: 2, requests: 300, queued: 0 });
    expect(again.retried, seen).toHaveLength(1);
    expect(again.retried![0]).toMatch(/^attempt 1: capped INVALID \([\d,]+ requests \([\d.]+%\) waited for a free connection/);
    // Measured again without the stall: nothing queued. GO, or INCONCLUSIVE if a busy machine held the generator up this time.
    expect(retried.verdict, seen).toBe(again.validity === 'VALID' ? 'GO' : 'INCONCLUSIVE');
    stall.start();
    const report = await run(
      `generator: { retries: 0 }\nscenarios:\n  - { name: capped, kind: rate, url: "${stall.url}/", rate: 200, duration: 1500ms, maxConnections: 20 }\n`,
    );
    stall.server.close();
    const r = report.scenarios[0];
    expect(r.attempts).toBeUndefined();
    // ~160 requests were due during the stall and 20 connections were all busy: the rest waited for one.
    expect(r.queued).toBeGreaterThan(80);
    expect(r.validity).toBe('INVALID');
    expect(r.invalidReason).toBe(
      `${r.queued!.toLocaleString('en-US')} requests (${((r.queued! / (r.requests + (r.dropped ?? 0))) * 100).toFixed(1)}%) waited for a free connection (the generator opens 32 at a time, up to maxConnections 20): their latency includes the generator's own queue, not only the server's; raise maxConnections (--max-connections) if it was reached, or lower the rate per process (--shard, --workers)`,
    );
    // What waited was still timed from its due time, and nothing due was left out.
    expect(r.requests + (r.dropped ?? 0)).toBe(300);
    expect(r.uncorrectedLatencyMs!.p90).toBeLessThan(r.latencyMs.p90);
    // The generator's queue, not the server, shaped these numbers: not judged either way.
    expect(report.verdict).toBe('INCONCLUSIVE');
  });

  it("a retry never repeats writes behind the user's back: an INVALID POST load stands (INCONCLUSIVE, saying why) unless retry: true, and a retry counts what the platform took over both attempts", async () => {
    const stall = await stallingServer(300, 800);
    const load = (retry: string) =>
      `scenarios:\n  - { name: orders, kind: rate, url: "${stall.url}/", method: POST, rate: 200, duration: 1500ms, maxConnections: 20${retry} }\n`;
    stall.start();
    const before = stall.received();
    const kept = await run(load(''));
    const r = kept.scenarios[0];
    // The server's own count: one attempt's requests, never two.
    expect(stall.received() - before).toBe(r.requests);
    expect(r.attempts).toBeUndefined();
    expect(r.validity).toBe('INVALID');
    expect(r.invalidReason).toMatch(
      /; not measured again: it changes data \(orders: POST\), and a second run would do it twice; give the scenario retry: true/,
    );
    expect(kept.verdict).toBe('INCONCLUSIVE');
    stall.start();
    const from = stall.received();
    const allowed = await run(load(', retry: true'));
    stall.server.close();
    const again = allowed.scenarios[0];
    expect(again.attempts).toBe(2);
    // What the platform took is both attempts' requests, as the server counted them.
    expect(again.requestsAllAttempts).toBe(stall.received() - from);
    expect(again.retried![0]).toMatch(/the platform took its [\d,]+ requests$/);
  });

  it('operations: an HTTP request with a JSON body, a Redis command and a SQL query, each with its SLA', async () => {
    const report = await run(`
targets:
  - { name: api, kind: http, url: "${plain.url}" }
  - { name: bus, kind: redis, url: "${redis.url}" }
  - { name: db, kind: postgres, url: "${POSTGRES_URL}" }
scenarios:
  - name: ops
    kind: operations
    requests: 40
    connections: 2
    operations:
      - { name: order, target: api, method: POST, path: /orders, body: { qty: 1 }, sla: 500ms }
      - { name: cache, target: bus, command: [INCR, "validate:test:counter"], sla: 500ms }
      - { name: query, target: db, query: "SELECT 1", sla: 500ms }
`);
    expect(report.scenarios.map((s) => [s.name, s.requests, s.errors, s.slaMs])).toEqual([
      ['order', 40, 0, 500],
      ['cache', 40, 0, 500],
      ['query', 40, 0, 500],
    ]);
    expect(report.criteria.filter((c) => c.name.endsWith('SLA')).map((c) => [c.name, c.status])).toEqual([
      ['order SLA', 'pass'],
      ['cache SLA', 'pass'],
      ['query SLA', 'pass'],
    ]);
    const { Redis } = await import('ioredis');
    const c = new Redis(redis.port, '127.0.0.1');
    expect(await c.get('validate:test:counter')).toBe('40');
    c.disconnect();
  });

  it('an SLA needs its successes: fast errors are not a met SLA, and neither is a command that always fails', async () => {
    const report = await run(`
targets:
  - { name: api, kind: http, url: "${plain.url}" }
  - { name: bus, kind: redis, url: "${redis.url}" }
scenarios:
  - name: ops
    kind: operations
    requests: 30
    operations:
      - { name: flaky-orders, target: api, path: /fail, sla: 50ms }
      - { name: broken-cache, target: bus, command: [NOSUCHCOMMAND], sla: 50ms }
`);
    const sla = (name: string) => report.criteria.find((c) => c.name === `${name} SLA`)!;
    // Every /fail answer is a fast 500: p99 far under 50 ms, and still NOT MET because of the errors.
    expect(report.scenarios[0]).toMatchObject({ requests: 30, errors: 30 });
    expect(sla('flaky-orders')).toMatchObject({ outcome: 'NOT MET', status: 'fail' });
    expect(sla('flaky-orders').actual!).toBeLessThan(50);
    expect(sla('flaky-orders').reason).toBe(
      'flaky-orders: 100.0% of 30 requests failed (HTTP 500 x30); success 0.0% is under the required 99.9%',
    );
    expect(sla('broken-cache')).toMatchObject({ outcome: 'NOT MET', status: 'fail' });
    expect(sla('broken-cache').reason).toMatch(/^broken-cache: 100\.0% of 30 requests failed \(ERR unknown command/);
    expect(report.verdict).toBe('NO-GO');
  });

  it('scenarios are not run when a phase failed, and the report says why', async () => {
    const report = await run(`
targets:
  - { name: gone, kind: tcp, url: "tcp://127.0.0.1:1" }
scenarios:
  - { name: never, kind: concurrency, url: "${plain.url}/", levels: [1], requests: 5 }
criteria:
  - { name: Fast, expect: "scenario.never.p99_ms < 50ms" }
`);
    expect(report.scenarios).toEqual([]);
    expect(report.notes).toEqual(['load scenarios not run: phase "checks" failed first']);
    expect(report.verdict).toBe('NO-GO');
    // Its criteria are not run, and say why (they said "no result of never reported p99_ms"), without
    // adding blockers of their own: the failed phase is the one.
    const fast = report.criteria.find((c) => c.name === 'Fast')!;
    expect(fast).toMatchObject({ outcome: 'NOT RUN', status: 'inconclusive' });
    expect(fast.reason).toBe('not measured: never-1 was not run: phase "checks" failed first');
  });
});
