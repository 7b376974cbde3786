import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';

let server: Server;
let url: string;
/** What the server itself answered, by status: the independent count. */
const answered = new Map<number, number>();
beforeAll(async () => {
  let n = 0;
  server = createServer((req, res) => {
    req.resume();
    // /flaky answers 500 to every third request, exactly.
    const status = req.url === '/flaky' && ++n % 3 === 0 ? 500 : 200;
    answered.set(status, (answered.get(status) ?? 0) + 1);
    res.writeHead(status, { 'content-length': '2' }).end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
});
afterAll(
  () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
);

describe('validate load', () => {
  it('closed model: one scenario in the same report model, clean JSON on stdout', async () => {
    const r = await runCli(['load', url, '-c', '4', '-a', '400', '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.schemaVersion).toBe(1);
    expect(report.scenarios).toHaveLength(1);
    expect(report.scenarios[0]).toMatchObject({
      name: 'load-4',
      kind: 'concurrency',
      model: 'closed',
      connections: 4,
      requests: 400,
      errors: 0,
      validity: 'VALID',
    });
    expect(Object.keys(report.scenarios[0].latencyMs)).toEqual(['min', 'mean', 'p50', 'p90', 'p99', 'p999', 'max']);
  });

  it('the summary points at the full tables and charts: the HTML file being written, or how to get one', async () => {
    const html = join(mkdtempSync(join(tmpdir(), 'validate-load-')), 'run.html');
    const written = await runCli(['load', url, '-c', '2', '-a', '50', '--out', html]);
    expect(written.stdout.replace(/\s+/g, ' ')).toContain(`Every table and chart: --detail, or the HTML report ${html}`);
    expect(readFileSync(html, 'utf8')).toContain('<svg');
    const none = await runCli(['load', url, '-c', '2', '-a', '50']);
    expect(none.stdout.replace(/\s+/g, ' ')).toContain('Every table and chart: --detail, or an HTML report (--out report.html)');
  });

  it('open model with --rate: corrected and uncorrected latency, target rate, late and dropped', async () => {
    const r = await runCli(['load', url, '-R', '300', '-d', '1s', '--format', 'json']);
    const s = JSON.parse(r.stdout).scenarios[0];
    expect(s).toMatchObject({ kind: 'rate', model: 'open', requests: 300, targetRps: 300, dropped: 0 });
    expect(s.uncorrectedLatencyMs.p50).toBeGreaterThan(0);
    expect(s.generator.scheduleLagP99Ms).toBeGreaterThanOrEqual(0);
    expect(r.code).toBe(0);
  });

  it('errors count by default: a third of the answers HTTP 500 is NO-GO, exit 1, and says which criterion and why', async () => {
    answered.clear();
    const r = await runCli(['load', `${url}flaky`, '-c', '2', '-a', '300', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('errors count: at least 99.9% of requests must succeed (criterion "Errors within budget")');
    const report = JSON.parse(r.stdout);
    const s = report.scenarios[0];
    expect([s.requests, s.errors]).toEqual([answered.get(200)! + answered.get(500)!, answered.get(500)]);
    expect(report.criteria.find((c: { name: string }) => c.name === 'Errors within budget')).toMatchObject({ status: 'fail', actual: 1 });
    expect(report.recommendation).not.toMatch(/healthy/);
  });

  it('a --criteria on success replaces the default error budget', async () => {
    const r = await runCli([
      'load',
      `${url}flaky`,
      '-c',
      '2',
      '-a',
      '300',
      '--criteria',
      'scenario.success_rate >= 60%',
      '--format',
      'json',
    ]);
    expect(r.stderr).toContain('errors are judged by your --criteria');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.recommendation).toBe(
      `GO: every critical criterion is met. Follow up before or soon after go-live: load results with errors within their budget: load-2 (${(100 - report.scenarios[0].successRate).toFixed(2)}%).`,
    );
  });

  it('a generator paused mid-run (as a stalled VM is) makes the result INVALID and the verdict INCONCLUSIVE, exit 3, naming a pause as the cause', async () => {
    const cli = startCli(['load', url, '-R', '200', '-d', '3s', '--retries', '0', '--format', 'json', '--progress']);
    // Once the load is under way (its first progress line), every thread of the process stops, the
    // generator's too: 300 ms of its schedule go by unsent.
    await cli.stderrMatches(/ [1-9][\d,]* req /);
    cli.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, 300));
    cli.kill('SIGCONT');
    const { code, stdout } = await cli.done;
    const report = JSON.parse(stdout);
    const s = report.scenarios[0];
    expect(code).toBe(3);
    expect(s.validity).toBe('INVALID');
    expect(s.generator.scheduleLagP99Ms).toBeGreaterThan(100);
    expect(s.invalidReason).toMatch(
      /^the load generator sent requests [\d.]+ ms late at p99 of 600, over the 10 ms limit and most of the [\d.]+ ms measured there(, load [\d.]+ on 2 cores[^;]*)?, so the numbers are the generator's more than the server's; .*(a pause|this machine was busy)/,
    );
    expect(report.verdict).toBe('INCONCLUSIVE');
    expect(report.criteria.find((c: { key?: string }) => c.key === 'valid-load')).toMatchObject({
      status: 'inconclusive',
      outcome: 'INCONCLUSIVE',
      actual: 1,
    });
  });

  it('a criterion not met exits 1', async () => {
    const r = await runCli(['load', url, '-a', '50', '--criteria', 'scenario.load-10.rps > 100000000', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).criteria.at(-1)).toMatchObject({ status: 'fail', outcome: 'NOT MET' });
  });

  it("a load where every request failed is the platform's NO-GO (its errors, not the generator's doubt), naming the cause in words, not a code", async () => {
    const { freePort } = await import('../helpers/ports.js');
    const port = await freePort();
    const r = await runCli(['load', `http://127.0.0.1:${port}/`, '-a', '20', '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    const s = report.scenarios[0];
    expect(s).toMatchObject({ validity: 'VALID', status: 'fail', requests: 20, errors: 20, rps: 0 });
    expect(s.errorCauses).toEqual({ [`connection refused: nothing is listening on 127.0.0.1:${port}`]: 20 });
    expect(report.criteria.find((c: { key?: string }) => c.key === 'error-budget').reason).toBe(
      `not met by: load-10 (100.0% of 20 requests failed (connection refused: nothing is listening on 127.0.0.1:${port} x20); success 0.0% is under the required 99.9%)`,
    );
  });

  it.each([
    [['load', 'http://127.0.0.1:1/', '-R', '10', '-a', '5'], '--amount (-a) goes with the closed model; with --rate, give --duration'],
    [['load', 'http://127.0.0.1:1/', '-H', 'no-colon'], '--header "no-colon": expected NAME: VALUE'],
    [['load', 'ftp://x/'], 'URL: expected a URL'],
    [
      ['load', 'http://127.0.0.1:1/', '-c', '0'],
      "error: option '-c, --connections <n>' argument '0' is invalid. expected a whole number of at least 1",
    ],
    // Another tool's flag that means something else here: refused, with ours.
    [['load', 'http://127.0.0.1:1/', '-n', '50'], "error: unknown option '-n'\n(-n: connections are -c (--connections) here"],
    [['load', 'http://127.0.0.1:1/', '-r', '50'], '(-r: total requests are -a (--amount) here, as in autocannon; a rate is -R (--rate))'],
    [['load', 'http://127.0.0.1:1/', '--vus', '50'], "(--vus: k6's virtual users are -c (--connections) here)"],
    [['load', 'http://127.0.0.1:1/', '-p', '10'], '(-p: validate load sends one request at a time on each connection (no pipelining)'],
    [['load', 'http://127.0.0.1:1/', '--conections', '5'], '(Did you mean --connections?)'],
    [['load', 'http://127.0.0.1:1/', '-d', '5x'], 'expected a duration like 500ms, 2s, 1m or 1h30m, found "5x"'],
  ])('validate %j exits 2', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it("autocannon's and wrk's flags: -c connections, -a total requests, -d and -t in bare seconds", async () => {
    const counted = await runCli(['load', url, '-c', '3', '-a', '60', '--format', 'json']);
    expect(counted.code, counted.stderr).toBe(0);
    expect(JSON.parse(counted.stdout).scenarios[0]).toMatchObject({ requests: 60, connections: 3 });
    const timed = await runCli(['load', url, '-c', '2', '-d', '1', '-t', '2', '--format', 'json']);
    expect(timed.code, timed.stderr).toBe(0);
    // One second: at least the second asked, and not the default ten (nor a millisecond).
    const ran = JSON.parse(timed.stdout).scenarios[0].durationMs;
    expect(ran).toBeGreaterThanOrEqual(1000);
    expect(ran).toBeLessThan(10_000);
  });

  it('Ctrl-C stops a 60 s load long before its end and writes the partial report marked aborted', async () => {
    const cli = startCli(['load', url, '-c', '2', '-d', '60s', '--format', 'json', '--progress']);
    await cli.stderrMatches(/ [1-9][\d,]* req /);
    const signalledAt = performance.now();
    cli.kill('SIGINT');
    const r = await cli.done;
    const stoppedMs = performance.now() - signalledAt;
    expect(r.code).toBe(130);
    expect(stoppedMs).toBeLessThan(10_000); // a sixth of the 60 s asked: Ctrl-C ended it, not the duration
    const report = JSON.parse(r.stdout);
    expect(report.aborted).toBe(true);
    expect(report.scenarios[0].requests).toBeGreaterThan(0);
  });
});
