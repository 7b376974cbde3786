import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';

/**
 * `validate run --notify`, as a scheduled job uses it: a webhook receiver of the test's own (a real HTTP
 * server) counts every delivery and keeps its body and headers; the platform is a real HTTP server whose
 * health the test switches between healthy and failing.
 */
const dir = mkdtempSync(join(tmpdir(), 'validate-notify-'));
const TOKEN = 'T0KEN-4f9a8c1e-SECRET';
let healthy = true;
let answer = 200;
const deliveries: { path: string; body: Record<string, unknown>; authorization?: string }[] = [];
let platform: Server;
let receiver: Server;
let hook = '';
let config = '';

const listen = (s: Server) => new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as { port: number }).port)));
const bodyOf = (req: IncomingMessage) =>
  new Promise<string>((r) => {
    let s = '';
    req.on('data', (d) => (s += d)).on('end', () => r(s));
  });

beforeAll(async () => {
  platform = createServer((_q, res) => {
    res.statusCode = healthy ? 200 : 503;
    res.end(healthy ? '{"status":"healthy"}' : '{"status":"down"}');
  });
  receiver = createServer(async (req, res) => {
    deliveries.push({ path: req.url ?? '', body: JSON.parse(await bodyOf(req)), authorization: req.headers.authorization });
    res.statusCode = answer;
    res.end(answer === 200 ? 'ok' : 'no');
  });
  const [p, r] = await Promise.all([listen(platform), listen(receiver)]);
  hook = `http://ops:hook-pw@127.0.0.1:${r}/hooks/${TOKEN}`;
  config = join(dir, 'v.yaml');
  writeFileSync(config, `platform: nightly\ntargets:\n  - { name: web, kind: http, url: "http://127.0.0.1:${p}/health" }\n`);
});
afterAll(() => {
  platform?.close();
  receiver?.close();
});

/** Runs the gate with the platform healthy or not, and returns the result and the deliveries it made. */
async function night(ok: boolean, ...args: string[]) {
  healthy = ok;
  const before = deliveries.length;
  const r = await runCli(['run', config, ...args]);
  const said = r.stdout + r.stderr;
  expect(said).not.toContain(TOKEN);
  expect(said).not.toContain('hook-pw');
  return { ...r, delivered: deliveries.slice(before) };
}

describe('validate run --notify', () => {
  it('a NO-GO is posted once: the verdict, its blockers and the report file, with the basic credentials; the secret never printed', async () => {
    const out = join(dir, 'nightly.json');
    const r = await night(false, '--notify', hook, '--out', out);
    expect(r.code).toBe(1);
    expect(r.delivered).toHaveLength(1);
    const [d] = r.delivered;
    expect(d.path).toBe(`/hooks/${TOKEN}`);
    expect(d.authorization).toBe(`Basic ${Buffer.from('ops:hook-pw').toString('base64')}`);
    expect(d.body).toMatchObject({ verdict: 'NO-GO', platform: 'nightly', reports: [out] });
    expect(d.body.blockers).toEqual(['required target(s) failing: web']);
    expect(d.body.text).toMatch(/^❌ \*NO-GO\* · nightly · .*\n• required target\(s\) failing: web\nReport: /);
    expect(r.stderr).toMatch(/notified http:\/\/127\.0\.0\.1:\d+\/\*\*\* of the NO-GO/);
  });

  it('a GO is not posted unless asked (--notify-on always); a Slack webhook gets its text alone', async () => {
    expect((await night(true, '--notify', hook)).delivered).toHaveLength(0);
    const always = await night(true, '--notify', `slack:${hook}`, '--notify-on', 'always');
    expect(always.code).toBe(0);
    expect(always.delivered.map((d) => Object.keys(d.body))).toEqual([['text']]);
    expect(always.delivered[0].body.text).toMatch(/^✅ \*GO\* · nightly/);
  });

  it('--notify-on change: only the run whose verdict differs from the last one in the history', async () => {
    const history = join(dir, 'history');
    const flags = ['--notify', hook, '--notify-on', 'change', '--history', history];
    const verdicts = [];
    for (const ok of [true, false, false, true]) {
      const r = await night(ok, ...flags);
      verdicts.push(r.delivered.map((d) => d.body.verdict));
    }
    // The first run has nothing to differ from; then NO-GO (changed), NO-GO (same), GO (changed).
    expect(verdicts).toEqual([[], ['NO-GO'], [], ['GO']]);
    const refused = await runCli(['run', config, '--notify', hook, '--notify-on', 'change']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--notify-on change compares with the last run of the history: give --history PLACE');
  });

  it('a delivery that fails costs one line, never the verdict; every webhook is tried', async () => {
    answer = 500;
    try {
      const closed = await freePort(); // nothing listens there
      const refusedPort = `http://127.0.0.1:${closed}/hooks/${TOKEN}`;
      const r = await night(false, '--notify', hook, '--notify', refusedPort);
      expect(r.code).toBe(1);
      expect(r.delivered).toHaveLength(1);
      const lines = r.stderr.split('\n').filter((l) => l.includes('(--notify) was not delivered'));
      // Both tried at once: in either order.
      expect(lines).toHaveLength(2);
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/the notification to http:\/\/127\.0\.0\.1:\d+\/\*\*\* \(--notify\) was not delivered: HTTP 500$/),
          `validate: the notification to http://127.0.0.1:${closed}/*** (--notify) was not delivered: connection refused: nothing is listening on 127.0.0.1:${closed}`,
        ]),
      );
    } finally {
      answer = 200;
    }
  });

  it('a webhook that is not a URL, or not http, is refused before anything runs', async () => {
    for (const bad of ['not a url', 'ftp://x/hook']) {
      const r = await runCli(['run', config, '--notify', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^validate: --notify/);
    }
  });
});
