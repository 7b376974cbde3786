import { describe, expect, it } from 'vitest';
import { MAX_POINTS, stepFor, TimelineRecorder } from '../../src/load/timeline-recorder.js';

/** The same requests counted the plain way: every finish time into its step. */
function countByStep(finishes: { at: number; failed: boolean }[], stepMs: number) {
  const n = Math.max(...finishes.map((f) => Math.floor(f.at / stepMs))) + 1;
  const requests = new Array<number>(n).fill(0);
  const errors = new Array<number>(n).fill(0);
  for (const f of finishes) {
    requests[Math.floor(f.at / stepMs)]++;
    if (f.failed) errors[Math.floor(f.at / stepMs)]++;
  }
  return { requests, errors };
}

describe('a load result over time, in fixed memory', () => {
  it('counts each request in the step it finished, as a plain count by step does, gaps included', () => {
    const finishes: { at: number; failed: boolean; ms: number }[] = [];
    let at = 0;
    for (let i = 0; i < 5000; i++) {
      at += i === 2500 ? 3200 : 1.3; // a 3.2 s stall in the middle: empty steps
      finishes.push({ at, failed: i % 97 === 0, ms: 1 + (i % 10) });
    }
    const t = new TimelineRecorder(0, 20_000);
    for (const f of finishes) t.add(f.at, f.ms, f.failed);
    const out = t.finish(at + 1);
    const plain = countByStep(finishes, out.stepMs);
    expect(out.requests).toEqual(plain.requests);
    expect(out.errors).toEqual(plain.errors);
    expect(out.p99Ms.filter((v) => v === null).length).toBe(plain.requests.filter((n) => n === 0).length);
    expect(out.coarsened).toBeUndefined();
  });

  it("a step's p50 and p99 are those of the requests that finished in it", () => {
    const t = new TimelineRecorder(0, 3000);
    for (let i = 1; i <= 100; i++) t.add(10, i, false); // step 0: 1..100 ms
    for (let i = 1; i <= 100; i++) t.add(2600, 1000 + i, false); // a later step: 1001..1100 ms
    const out = t.finish(3000);
    const first = 0;
    const last = out.requests.length - 1 - [...out.requests].reverse().findIndex((n) => n > 0);
    expect(out.p50Ms[first]).toBeCloseTo(50, 0);
    expect(out.p99Ms[first]).toBeCloseTo(99, 0);
    expect(out.p50Ms[last]).toBeCloseTo(1050, -1);
    expect(out.p99Ms[last]).toBeCloseTo(1099, -1);
  });

  it('the step follows the plan: short runs in fine steps, long ones within the point budget', () => {
    expect(stepFor(300)).toBe(10);
    expect(stepFor(3000)).toBe(50);
    expect(stepFor(60_000)).toBe(1000);
    expect(stepFor(8 * 3600_000)).toBe(16_000);
    expect((8 * 3600_000) / stepFor(8 * 3600_000)).toBeLessThanOrEqual(MAX_POINTS);
  });

  it('without a plan, a long run merges steps in pairs: counts stay exact, points stay bounded, percentiles become upper bounds', () => {
    const t = new TimelineRecorder(0); // 100 ms steps
    const finishes: { at: number; failed: boolean }[] = [];
    for (let s = 0; s < 3 * 3600; s++) {
      // one request per second for three hours, each second's latency its own
      finishes.push({ at: s * 1000 + 500, failed: s % 1000 === 0 });
      t.add(s * 1000 + 500, 1 + (s % 50), s % 1000 === 0);
    }
    const out = t.finish(3 * 3600_000);
    expect(out.coarsened).toBe(true);
    expect(out.requests.length).toBeLessThanOrEqual(MAX_POINTS * 1.1);
    expect(out.requests.reduce((a, b) => a + b, 0)).toBe(finishes.length);
    expect(out.errors.reduce((a, b) => a + b, 0)).toBe(finishes.filter((f) => f.failed).length);
    expect(countByStep(finishes, out.stepMs).requests).toEqual(out.requests);
    // Each merged point's p99 is at least every latency that finished in it.
    for (const [i, p99] of out.p99Ms.entries()) {
      const inStep = finishes.map((f, s) => ({ f, ms: 1 + (s % 50) })).filter(({ f }) => Math.floor(f.at / out.stepMs) === i);
      if (inStep.length) expect(p99!).toBeGreaterThanOrEqual(Math.max(...inStep.map((x) => x.ms)) * 0.999);
    }
  });
});

describe("the timeline of a real run, against the server's own log", () => {
  it('errors sit in the steps where the server says it failed requests, and the counts add up to its log', async () => {
    const { createServer } = await import('node:http');
    const { runCli } = await import('../helpers/cli.js');
    // The server's log: when each request arrived (ms after the first), and what it answered. It fails
    // everything that arrives between 1.0 and 1.5 s after the first request.
    const log: { at: number; status: number }[] = [];
    let first = 0;
    const server = createServer((req, res) => {
      req.resume();
      const now = performance.now();
      first ||= now;
      const at = now - first;
      const status = at >= 1000 && at < 1500 ? 503 : 200;
      log.push({ at, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    const r = await runCli([
      'load',
      url,
      '-R',
      '400',
      '-d',
      '3s',
      '--format',
      'json',
      '--retries',
      '0',
      '--criteria',
      'scenario.errors >= 0',
    ]);
    server.close();
    const [result] = JSON.parse(r.stdout).scenarios;
    const t = result.timeline;
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(sum(t.requests)).toBe(log.length);
    expect(sum(t.errors)).toBe(log.filter((x) => x.status === 503).length);
    expect(sum(t.errors)).toBeGreaterThan(150); // ~200 of the 1,200 requests
    // Steps from the first one with answers: the errors lie between 1.0 and 1.5 s, give or take a step.
    const start = t.requests.findIndex((n: number) => n > 0);
    const errorSteps = t.errors.map((n: number, i: number) => (n > 0 ? (i - start) * t.stepMs : -1)).filter((x: number) => x >= 0);
    expect(Math.min(...errorSteps)).toBeGreaterThanOrEqual(1000 - 2 * t.stepMs);
    expect(Math.max(...errorSteps)).toBeLessThan(1500 + t.stepMs);
  }, 30_000);
});
