import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { inChromium } from '../helpers/chromium.js';

const dir = mkdtempSync(join(tmpdir(), 'validate-html-'));

describe('the HTML report in a real browser', () => {
  it('an ad-hoc load renders in headless Chromium: verdict, the URL it loaded, its percentiles (no time chart for 2 s); nothing fetched, nothing run', async () => {
    const server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/health`;
    const html = join(dir, 'load.html');
    const r = await runCli(['load', url, '-R', '200', '-d', '2s', '-q', '--out', html]);
    server.close();
    // A trivial server at 200/s: GO, or INCONCLUSIVE if a busy machine's error bars say it cannot tell; the page says which.
    expect([0, 3]).toContain(r.code);
    const verdict = r.code === 0 ? 'GO' : 'INCONCLUSIVE';
    const page = readFileSync(html, 'utf8');
    expect(page).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)/); // self-contained: nothing to fetch, nothing to run
    const { dom, png } = inChromium(html, 'load');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(dom).toContain(`<h1>ad-hoc load: ${verdict}</h1>`);
    expect(dom).toContain(`GET ${url}`);
    expect(dom).toContain('aria-label="Arrival rate: latency by percentile"');
    expect(dom).not.toContain('aria-label="load: latency per');
  });
});
