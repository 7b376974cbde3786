import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { requireBinary } from '../helpers/services.js';

// Chromium as this machine runs it headless: no network of its own, a fresh profile.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--hide-scrollbars',
];
const dir = mkdtempSync(join(tmpdir(), 'validate-html-'));
const profile = (name: string) => ['--user-data-dir=' + join(dir, name)];

/** The page as Chromium built it (its DOM after parsing), and a screenshot of it. */
function inChromium(html: string, name: string): { dom: string; png: Buffer } {
  const chromium = requireBinary('chromium', 'chromium');
  const dom = execFileSync(chromium, [...FLAGS, ...profile(`${name}-dom`), '--dump-dom', `file://${html}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const png = join(dir, `${name}.png`);
  execFileSync(chromium, [...FLAGS, ...profile(`${name}-png`), '--window-size=1200,1600', `--screenshot=${png}`, `file://${html}`], {
    stdio: 'ignore',
    timeout: 60_000,
  });
  expect(statSync(png).size).toBeGreaterThan(20_000); // a drawn page, not a blank one
  return { dom, png: readFileSync(png) };
}

describe('the HTML report in a real browser', () => {
  it('an ad-hoc load renders in headless Chromium: verdict, the URL it loaded, its time charts; nothing fetched, nothing run', async () => {
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/health`;
    const html = join(dir, 'load.html');
    const r = await runCli(['load', url, '-R', '200', '-d', '2s', '-q', '--out', html]);
    server.close();
    expect(r.code).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)/); // self-contained: nothing to fetch, nothing to run
    const { dom, png } = inChromium(html, 'load');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(dom).toContain('<h1>ad-hoc load: GO</h1>');
    expect(dom).toContain(`GET ${url}`);
    expect(dom).toContain('aria-label="load: latency per 50.0 ms step"');
    expect(dom).toContain('aria-label="load: throughput and errors per 50.0 ms step"');
  });

  it("the demo's report has the reference report's sections, and a time chart for every load result (or says why not)", async () => {
    const html = join(dir, 'demo.html');
    const json = join(dir, 'demo.json');
    const r = await runCli(['demo', '-q', '--out', html, '--out', json]);
    expect(r.code, r.stderr).toBe(0);
    const { dom } = inChromium(html, 'demo');
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
    const report = JSON.parse(readFileSync(json, 'utf8'));
    const results: { name: string }[] = report.scenarios;
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
  }, 90_000);
});
