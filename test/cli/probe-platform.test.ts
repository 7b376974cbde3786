import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineServer, hangingServer, type TestServer } from '../helpers/hostile.js';
import { runCli } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { POSTGRES_URL, startPrometheus, startRedis, type Running } from '../helpers/services.js';

/**
 * The acceptance run: 9 healthy engines, 1 down, 4 Redis buses (one with a password, one a
 * replica), PostgreSQL and Prometheus, probed ad hoc from the command line.
 */
const ENGINES = ['analytics', 'risk', 'factor', 'ml', 'features', 'websocket', 'strategy', 'marketdata', 'portfolio'];
const PASSWORD = 'Sup3r-S3cret-Bus-Pw';

describe('validate probe: a whole platform from the command line', () => {
  const engines: TestServer[] = [];
  const redis: Running[] = [];
  let prom: Running;
  let hanging: TestServer;
  let downPort: number;
  let args: string[];

  beforeAll(async () => {
    for (let i = 0; i < ENGINES.length; i++) engines.push(await engineServer());
    const primary = await startRedis();
    redis.push(
      primary,
      ...(await Promise.all([startRedis({ replicaOf: primary.port }), startRedis({ password: PASSWORD }), startRedis()])),
    );
    prom = await startPrometheus();
    hanging = await hangingServer();
    downPort = await freePort();
    args = [
      ...ENGINES.map((e, i) => `--engine=${e}=${engines[i].url}`),
      `--redis=primary=${redis[0].url}`,
      `--redis=marketdata-bus=${redis[1].url}`,
      `--redis=engine-bus=${redis[2].url}`,
      `--redis=gpu-bus=${redis[3].url}`,
      `--postgres=db=${POSTGRES_URL}`,
      `--prometheus=monitoring=${prom.url}`,
      '--criteria',
      'engines.available >= 100%',
      '--criteria',
      'engine.latency_ms < 1s',
    ];
  });
  afterAll(async () => {
    await Promise.all([...engines, hanging].filter(Boolean).map((s) => s.close()));
    await Promise.all([...redis, prom].filter(Boolean).map((r) => r.stop()));
  });

  it('with one engine down: exactly one blocker, the down engine with its error, one failing line in the engine matrix, and exit 1', async () => {
    const r = await runCli(['probe', ...args, `--engine=collateral=http://127.0.0.1:${downPort}`]);
    // The summary: the verdict first, and the one blocker with the fact that explains it.
    // The summary: the verdict first, and the blockers each with the fact that explains it; all of them the down engine.
    expect(r.stdout.split('\n')[0]).toMatch(/^ NO-GO {2}3 blockers/);
    const blockers = r.stdout.slice(r.stdout.indexOf('Blockers'), r.stdout.indexOf('\nCriteria ')).replace(/\n {4}/g, ' ');
    expect(blockers.split('\n').filter((l) => l.startsWith('✗'))).toEqual([
      `✗ collateral (engine): required target failing: connection refused: nothing is listening on 127.0.0.1:${downPort}`,
      expect.stringMatching(
        /^✗ engines\.available >= 100%: 90%, needed available at least 100% on average over engine targets; not met by: collateral/,
      ),
      expect.stringMatching(
        /^✗ engine\.latency_ms < 1s: NOT MET, needed latency under 1s on every engine; not measured: collateral failed/,
      ),
    ]);
    expect(r.code).toBe(1);
    // --detail: the engine matrix's rows, from its heading to the end of its table.
    const detail = await runCli(['probe', ...args, `--engine=collateral=http://127.0.0.1:${downPort}`, '--detail']);
    const start = detail.stdout.search(/^Engine matrix {2}\d+\/\d+ healthy$/m);
    const matrix = detail.stdout.slice(start, detail.stdout.indexOf('└', start));
    const failing = matrix.split('\n').filter((l) => /\bFAIL\b/.test(l));
    expect(failing).toHaveLength(1);
    expect(failing[0]).toContain('collateral');
    expect(failing[0]).toContain('connection refused');
    const json = await runCli(['probe', ...args, `--engine=collateral=http://127.0.0.1:${downPort}`, '--format', 'json']);
    const report = JSON.parse(json.stdout);
    expect(report.verdict).toBe('NO-GO');
    expect(report.summary.requiredFailing).toEqual(['collateral']);
    expect(report.probes.find((p: { name: string }) => p.name === 'collateral').error).toBe(
      `connection refused: nothing is listening on 127.0.0.1:${downPort}`,
    );
    console.log(`16-target probe with one down: ${r.wallMs.toFixed(0)} ms wall`);
  });

  it('with every engine up: exit 0, GO', async () => {
    const r = await runCli(['probe', ...args]);
    expect(r.stdout.split('\n').filter((l) => /\bFAIL\b/.test(l))).toEqual([]);
    expect(r.stdout).toMatch(/ GO /);
    expect(r.code).toBe(0);
    console.log(`15-target probe, all up: ${r.wallMs.toFixed(0)} ms wall`);
  });

  it('a target that accepts and never answers fails on its timeout and does not hold the run', async () => {
    const r = await runCli(['probe', ...args, `--engine=stuck=${hanging.url}`, '--timeout', '2s', '--format', 'json']);
    const report = JSON.parse(r.stdout);
    const stuck = report.probes.find((p: { name: string }) => p.name === 'stuck');
    expect(stuck.error).toBe('timeout after 2000 ms connecting and waiting for the response headers');
    expect(report.probes.filter((p: { status: string }) => p.status === 'fail').map((p: { name: string }) => p.name)).toEqual(['stuck']);
    expect(r.code).toBe(1);
    console.log(`16-target probe with a hanging target, 2 s timeout: ${r.wallMs.toFixed(0)} ms wall (report says ${report.durationMs} ms)`);
  });

  it('the bus password appears in no output format, even in error messages', async () => {
    const wrong = `redis://:${PASSWORD}-wrong@127.0.0.1:${redis[2].port}`;
    const dir = (await import('node:fs')).mkdtempSync(
      (await import('node:path')).join((await import('node:os')).tmpdir(), 'validate-redact-'),
    );
    const outs = ['json', 'md', 'txt'].map((ext) => `${dir}/report.${ext}`);
    const r = await runCli(['probe', `--redis=ok=${redis[2].url}`, `--redis=wrong=${wrong}`, ...outs.flatMap((o) => ['--out', o])]);
    const { readFileSync } = await import('node:fs');
    const everything = [r.stdout, r.stderr, ...outs.map((o) => readFileSync(o, 'utf8'))];
    for (const text of everything) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(encodeURIComponent(PASSWORD));
    }
    expect(everything[2]).toContain(`redis://:***@127.0.0.1:${redis[2].port}`);
    expect(JSON.parse(everything[2]).probes.find((p: { name: string }) => p.name === 'wrong').error).toMatch(
      /^authentication failed for Redis/,
    );
  });
});
