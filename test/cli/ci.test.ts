import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';

const dir = mkdtempSync(join(tmpdir(), 'validate-ci-'));
let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy"}'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('CI and scheduled use', () => {
  it('a saved JSON report renders again in every format, the same as from the run itself', async () => {
    const json = join(dir, 'run.json');
    const live = await runCli(['probe', '--engine', `risk=${url}`, '--out', json, '--out', join(dir, 'live.xml'), '-q']);
    expect(live.code).toBe(0);
    const again = await runCli(['report', json, '--format', 'junit']);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(readFileSync(join(dir, 'live.xml'), 'utf8'));
    for (const format of ['table', 'markdown', 'html']) expect((await runCli(['report', json, '--format', format])).code).toBe(0);
    // The textfile of a live run passes Prometheus's own checker.
    const prom = await runCli(['report', json, '--format', 'prometheus']);
    expect(execFileSync('promtool', ['check', 'metrics'], { input: prom.stdout, encoding: 'utf8' }).trim()).toBe('');
    expect(prom.stdout).toMatch(/^validate_probe_up\{platform="ad-hoc probe",target="risk",kind="engine"\} 1$/m);
  });

  it.each([
    [['report', '/no/such.json'], 'validate: /no/such.json: file not found'],
    [['report', 'package.json'], 'validate: package.json: not a validate report (no schemaVersion)'],
  ])('validate %j exits 2', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(message);
  });

  it('check validates a config without touching the network: 0 when valid, 2 with located problems', async () => {
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'targets:\n  - { name: far, kind: engine, url: "http://10.255.255.1:1" }\n');
    const ok = await runCli(['check', '--config', good]);
    expect([ok.code, ok.stdout]).toEqual([0, `${good}: valid (1 target, 0 scenarios, 0 fault experiments, 1 criterion)\n`]);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'targets:\n  - { name: far, kind: engin, url: "http://h:1" }\n');
    const no = await runCli(['check', '--config', bad]);
    expect(no.code).toBe(2);
    expect(no.stderr).toContain(`${bad}:2:24: targets[0].kind: unknown kind "engin" (did you mean "engine"?)`);
  });

  it('--out expands {date} and {verdict}, for scheduled runs', async () => {
    const r = await runCli(['probe', '--engine', `risk=${url}`, '-q', '--out', join(dir, 'sched', '{date}-{verdict}.md')]);
    expect(r.code).toBe(0);
    expect(readdirSync(join(dir, 'sched'))).toEqual([`${new Date().toISOString().slice(0, 10)}-GO.md`]);
    const bad = await runCli(['probe', '--engine', `risk=${url}`, '-q', '--out', join(dir, '{when}.md')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown placeholder {when}; use {date} {time} {datetime} {verdict} {platform}');
  });

  it('a wrong output flag is refused before anything is probed', async () => {
    let contacted = 0;
    const counting = createServer((_req, res) => {
      contacted++;
      res.writeHead(200).end('{"status":"healthy"}');
    });
    await new Promise<void>((r) => counting.listen(0, '127.0.0.1', () => r()));
    const engine = `risk=http://127.0.0.1:${(counting.address() as { port: number }).port}`;
    for (const out of [join(dir, '{when}.md'), join(dir, 'report.pdf')]) {
      const r = await runCli(['probe', '--engine', engine, '--out', out]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
    }
    counting.close();
    expect(contacted).toBe(0);
  });

  it('in GitHub Actions: the markdown goes to the job summary and failed criteria become ::error annotations', async () => {
    const summary = join(dir, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const port = await freePort();
    const r = await runCli(
      ['probe', '--engine', `risk=${url}`, '--engine', `gone=http://127.0.0.1:${port}`, '--criteria', 'engines.available >= 100%'],
      {
        env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
      },
    );
    expect(r.code).toBe(1);
    const written = readFileSync(summary, 'utf8');
    expect(written.startsWith('# earlier step\n# ad-hoc probe: production readiness report')).toBe(true);
    expect(r.stdout).toContain(
      '::error title=validate NO-GO%3A engines.available >= 100%25::engines.available >= 100%25 NOT MET (actual 50%25)',
    );
    // With a machine format on stdout the annotations go to stderr, and stdout stays valid JSON.
    const j = await runCli(['probe', '--engine', `gone=http://127.0.0.1:${port}`, '--format', 'json'], { env: { GITHUB_ACTIONS: 'true' } });
    expect(JSON.parse(j.stdout).verdict).toBe('NO-GO');
    expect(j.stderr).toContain('::error title=validate NO-GO%3A Required probes pass::');
  });

  it('--wait re-probes a target that comes up after the deploy, and says how long it waited', async () => {
    const port = await freePort();
    const late = createServer((req, res) => res.writeHead(200).end('ok'));
    // The target comes up once the first round has seen it fail, however long the process took to start.
    const cli = startCli(['probe', '--http', `api=http://127.0.0.1:${port}/`, '--wait', '20s', '--format', 'json', '--progress']);
    await cli.stderrMatches(/^probed 1\/1 {2}api fail/m);
    late.listen(port, '127.0.0.1');
    const r = await cli.done;
    late.close();
    const report = JSON.parse(r.stdout);
    expect(r.code, r.stderr).toBe(0);
    expect(report.probes[0].status).toBe('pass');
    expect(report.waitedMs).toBeGreaterThan(0);
    expect(report.notes[0]).toMatch(/^waited [\d.]+ s for the required targets to pass$/);
    const never = await runCli(['probe', '--http', `api=http://127.0.0.1:${await freePort()}/`, '--wait', '1500ms', '--format', 'json']);
    expect(never.code).toBe(1);
    expect(JSON.parse(never.stdout).notes[0]).toMatch(/\(the whole --wait budget\) and required targets still fail$/);
  });
});
