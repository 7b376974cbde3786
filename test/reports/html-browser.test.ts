import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { requireBinary } from '../helpers/services.js';

// Chromium as this machine runs it headless: no network of its own, a fresh profile.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--hide-scrollbars'];

describe('the HTML report in a real browser', () => {
  it('a live run renders in headless Chromium: the DOM has the verdict, the tables and the charts, and a screenshot is drawn', async () => {
    const chromium = requireBinary('chromium', 'chromium');
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const dir = mkdtempSync(join(tmpdir(), 'validate-html-'));
    const html = join(dir, 'report.html');
    const r = await runCli(['load', `${url}/health`, '-R', '200', '-d', '1s', '-q', '--out', html]);
    server.close();
    expect(r.code).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)/); // self-contained: nothing to fetch, nothing to run

    const profile = (name: string) => ['--user-data-dir=' + join(dir, name)];
    const dom = execFileSync(chromium, [...FLAGS, ...profile('a'), '--dump-dom', `file://${html}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    expect(dom).toContain('<h1>ad-hoc load: GO</h1>');
    expect(dom).toContain('<h2>Decision matrix</h2>');
    expect(dom.match(/<svg class="chart"/g)?.length).toBeGreaterThanOrEqual(1);

    const png = join(dir, 'report.png');
    execFileSync(chromium, [...FLAGS, ...profile('b'), '--window-size=1200,1600', `--screenshot=${png}`, `file://${html}`], { stdio: 'ignore', timeout: 60_000 });
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(png).size).toBeGreaterThan(20_000); // a drawn page, not a blank one
  });
});
