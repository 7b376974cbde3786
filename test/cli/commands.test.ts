import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { PROBES } from '../../src/probes/registry.js';
import { engineServer, hangingServer, type TestServer } from '../helpers/hostile.js';
import { freePort } from '../helpers/ports.js';

const dir = mkdtempSync(join(tmpdir(), 'validate-cli-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('usage and config errors exit 2 with a located message', () => {
  it('a malformed config', async () => {
    const p = file('bad.yaml', 'targets:\n  - name: risk\n    kind: engine\n    urll: http://localhost:8200\n');
    const r = await runCli(['run', '--config', p]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `validate: the config has 1 problem; nothing was probed.\n${p}:4:5: targets[0]: unknown key "urll" (did you mean "url"?); expected one of: kind, name, url, required, phase, timeout, security, metrics, path, method, headers, expect, maxBodyBytes, tlsVerify, certificate\n`,
    );
    expect(r.stdout).toBe('');
  });

  it('a config file that does not exist', async () => {
    const r = await runCli(['run', '--config', join(dir, 'nope.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.yaml: file not found (create one with `validate init`)');
    noStack(r.stderr);
  });

  it.each([
    [['frobnicate'], "error: unknown command 'frobnicate'"],
    [['probe', '--bogus'], "error: unknown option '--bogus'"],
    [['probe'], 'validate: nothing to probe: give URLs'],
    [['probe', 'ftp://host/x'], 'cannot tell what "ftp://host/x" is from its scheme "ftp:"'],
    [['probe', 'not a url'], '"not a url" is not a URL'],
    [
      ['probe', 'redis://localhost:1', '--timeout', 'soon'],
      `error: option '-t, --timeout <duration>' argument 'soon' is invalid. expected a duration like 500ms, 2s, 1m or 1h30m, found "soon"`,
    ],
    [['probe', 'redis://localhost:1', '--format', 'xml'], 'unknown format "xml"; expected one of: table, markdown, json'],
    [['probe', 'redis://localhost:1', '--out', 'report.pdf'], 'cannot tell the format of --out report.pdf'],
    [
      ['probe', '--redis', 'cache=http://localhost:6379'],
      'url of "cache=http://localhost:6379": expected a URL starting with redis:// or rediss://',
    ],
    [
      ['probe', 'redis://localhost:1', '--criteria', 'redis.pnig_ms < 5'],
      'unknown measurement "redis.pnig_ms" (did you mean "redis.ping_ms"?)',
    ],
  ])('validate %j', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    noStack(r.stderr);
  });
});

describe('commands', () => {
  it('schema prints a JSON Schema of the config', async () => {
    const r = await runCli(['schema']);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.properties.targets.type).toBe('array');
    expect(schema.properties.targets.items.oneOf.map((o: { properties: { kind: { const: string } } }) => o.properties.kind.const)).toEqual(
      PROBES.map((k) => k.kind),
    );
  });

  it('init writes a starter config that loads, and will not overwrite it', async () => {
    const p = join(dir, 'starter.yaml');
    expect((await runCli(['init', p])).code).toBe(0);
    expect(readFileSync(p, 'utf8')).toContain('kind: engine');
    const again = await runCli(['init', p]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists; choose another name or pass --force');
    // It validates and runs (its example targets are not running here, so NO-GO: 1, not a config error: 2).
    const run = await runCli(['run', '--config', p, '--timeout', '300ms', '--format', 'json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).verdict).toBe('NO-GO');
    // The schema its first line points editors at is written beside it, and is the one validate schema prints.
    expect(readFileSync(p, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=./validate.schema.json');
    expect(JSON.parse(readFileSync(join(dir, 'validate.schema.json'), 'utf8'))).toEqual(JSON.parse((await runCli(['schema'])).stdout));
  });

  it('init --from-probe writes a starter from the targets as they answer: their kinds, a latency scenario, a commented fault, no password', async () => {
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy"}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const api = `http://127.0.0.1:${(server.address() as { port: number }).port}/health`;
    const folder = mkdtempSync(join(dir, 'from-probe-'));
    const p = join(folder, 'validate.yaml');
    // A Redis URL with a password (the server needs none: the probe still passes), and a port nothing listens on.
    const r = await runCli(['init', p, '--from-probe', api, 'redis://:s3cret-pw@127.0.0.1:6379', 'http://127.0.0.1:9/']);
    server.close();
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(p, 'utf8');
    expect(text).not.toContain('s3cret-pw');
    // The machine's Redis needs no password: the one given protects nothing, and the probe says so (warn).
    expect(text).toContain('url: "redis://:${REDIS_6379_PASSWORD}@127.0.0.1:6379" }   # warn when probed');
    expect(text).toMatch(/kind: http, url: "http:\/\/127\.0\.0\.1:9\/" } {3}# FAILED when probed: connection refused/);
    expect(text).toMatch(/kind: latency, targets: \[http-\d+, http-9\]/);
    expect(text).toContain('# faults:\n#   - { name: redis-6379-cut, fault: { type: redis-client-kill, target: redis-6379 }');
    expect(r.stderr).toContain('set REDIS_6379_PASSWORD in the environment');
    // What it wrote is a config validate accepts as it is.
    const check = await runCli(['check', p], { env: { REDIS_6379_PASSWORD: 'x' } });
    expect(check.code, check.stderr).toBe(0);
    expect(check.stderr + check.stdout).toContain('3 targets, 1 scenario');
  });
});

describe('phases, outputs and interruption', () => {
  let engine: TestServer;
  let hanging: TestServer;
  let closed: number;
  beforeAll(async () => {
    engine = await engineServer();
    hanging = await hangingServer();
    closed = await freePort();
  });
  afterAll(async () => {
    await engine.close();
    await hanging.close();
  });

  it('a failed phase skips the later phases; the report says why', async () => {
    const p = file(
      'phased.yaml',
      `phases: [infrastructure, engines]
targets:
  - { name: bus, kind: redis, url: "redis://127.0.0.1:${closed}", phase: infrastructure }
  - { name: risk, kind: engine, url: "${engine.url}", phase: engines }
criteria:
  - engines.available >= 90%
`,
    );
    const r = await runCli(['run', '--config', p, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.phases.map((x: { name: string; status: string }) => [x.name, x.status])).toEqual([
      ['infrastructure', 'fail'],
      ['engines', 'skip'],
    ]);
    expect(report.probes.find((x: { name: string }) => x.name === 'risk')).toMatchObject({
      status: 'skip',
      error: 'skipped: phase "infrastructure" failed',
    });
    expect(report.criteria[1]).toMatchObject({
      status: 'fail',
      outcome: 'NOT RUN',
      actual: null,
      reason: 'not measured: risk skipped: phase "infrastructure" failed',
    });
  });

  it('writes every output atomically, from the config and from --out, and keeps stdout JSON clean', async () => {
    const out = join(dir, 'out');
    const p = file(
      'outputs.yaml',
      `targets:\n  - { name: risk, kind: engine, url: "${engine.url}" }\noutputs:\n  - { format: markdown, path: "${out}/nested/report.md" }\n`,
    );
    const r = await runCli(['run', '--config', p, '--format', 'json', '--out', `${out}/report.json`, '--out', `table:${out}/report.log`]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).verdict).toBe('GO');
    expect(JSON.parse(readFileSync(`${out}/report.json`, 'utf8')).schemaVersion).toBe(1);
    expect(readFileSync(`${out}/nested/report.md`, 'utf8')).toContain('## Decision matrix');
    expect(readFileSync(`${out}/report.log`, 'utf8')).toContain('Engine matrix');
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(r.stderr).toContain(`wrote markdown report to ${out}/nested/report.md`);
  });

  it('Ctrl-C stops the run, writes a partial report marked aborted, and exits 130', async () => {
    const out = join(dir, 'aborted.json');
    const p = file(
      'slow.yaml',
      `targets:\n  - { name: stuck, kind: engine, url: "${hanging.url}", timeout: 60s }\n  - { name: risk, kind: engine, url: "${engine.url}" }\n`,
    );
    const running = startCli(['run', '--config', p, '--out', out, '--format', 'json', '--progress']);
    // Interrupted once risk has answered, while stuck still hangs: the report must keep the one and skip the other.
    await running.stderrMatches(/^probed 1\/2 {2}risk pass/m);
    running.kill('SIGINT');
    const r = await running.done;
    expect(r.code).toBe(130);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.aborted).toBe(true);
    // Interrupted with nothing failing: it proves nothing either way.
    expect(report.verdict).toBe('INCONCLUSIVE');
    expect(report.recommendation).toBe('Run interrupted: this report is partial and cannot support a go-live decision.');
    expect(report.probes.find((x: { name: string }) => x.name === 'risk').status).toBe('pass');
    expect(report.probes.find((x: { name: string }) => x.name === 'stuck')).toMatchObject({
      status: 'skip',
      error: expect.stringMatching(/^interrupted/),
    });
    expect(r.wallMs).toBeLessThan(30_000); // far below the 60 s probe timeout: the interrupt, not the timeout, ended it
  });
});

describe('a report file that cannot be written', () => {
  it('still prints the report on stdout, then exits 2 naming the file and the verdict', async () => {
    const engine = await engineServer();
    const blocker = file('not-a-dir', 'a file where a folder is expected');
    const r = await runCli(['probe', '--engine', `risk=${engine.url}`, '--format', 'json', '--out', `${blocker}/report.md`]);
    await engine.close();
    expect(JSON.parse(r.stdout).verdict).toBe('GO');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `validate: the run finished (GO) but a report file could not be written: ${blocker}/report.md: a file stands where its folder should be\n`,
    );
  });
});
