import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { checkedExecute } from '../helpers/checked.js';
import { Redactor } from '../../src/util/redact.js';
import { BIN } from '../helpers/cli.js';
import { freePort, waitFor } from '../helpers/ports.js';
import { POSTGRES_URL, redisCli, startRedis, type Running } from '../helpers/services.js';

const ENGINE = fileURLToPath(new URL('../helpers/engine-process.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'validate-effect-'));

interface Engine {
  port: number;
  pidFile: string;
  command: string;
}

async function startEngine(name: string, redisUrl: string): Promise<Engine> {
  const port = await freePort();
  const pidFile = join(dir, `${name}.pid`);
  const readyFile = join(dir, `${name}.ready`);
  writeFileSync(readyFile, '');
  const args = [ENGINE, String(port), redisUrl, POSTGRES_URL, '300', readyFile, `effect-engine-${name}`];
  // The start command a team would write, output not redirected: the service it backgrounds keeps the
  // shell's pipes open, and the run must not wait on them.
  const command = `nohup ${process.execPath} ${args.join(' ')} & echo $! > ${pidFile}`;
  execFileSync('sh', ['-c', `(${command}) >/dev/null 2>&1`]);
  await waitFor(`engine ${name}`, async () => (await fetch(`http://127.0.0.1:${port}/health`)).status === 200);
  return { port, pidFile, command };
}

const up = (e: Engine) =>
  fetch(`http://127.0.0.1:${e.port}/health`).then(
    (r) => r.status === 200,
    () => false,
  );
const kill = (e: Engine) => {
  try {
    process.kill(Number(readFileSync(e.pidFile, 'utf8')), 'SIGKILL');
  } catch {
    // already gone
  }
};
const run = (yaml: string) =>
  checkedExecute(parseConfigText(yaml, 'effect.yaml', new Redactor(), {}), new Redactor(), { chaos: true, say: () => undefined });

describe('a fault proves it took effect', () => {
  let bus: Running;
  let replica: Running;
  let engine: Engine;
  beforeAll(async () => {
    bus = await startRedis();
    replica = await startRedis({ replicaOf: bus.port });
    engine = await startEngine('a', bus.url);
  });
  afterAll(async () => {
    if (engine) kill(engine);
    await Promise.all([replica, bus].filter(Boolean).map((r) => r.stop()));
  });

  const targets = () => `
targets:
  - { name: a, kind: engine, url: "http://127.0.0.1:${engine.port}" }
  - { name: bus, kind: redis, url: "${bus.url}", samples: 1 }
  - { name: db, kind: postgres, url: "${POSTGRES_URL}" }
`;

  it('a session filter that matches nothing terminated nothing: the experiment tested nothing, so its criteria and the verdict are INCONCLUSIVE', async () => {
    const app = 'no-session-has-this-name';
    // psql, independently: no session of that application is connected.
    expect(
      execFileSync('psql', [POSTGRES_URL, '-Atc', `SELECT count(*) FROM pg_stat_activity WHERE application_name = '${app}'`], {
        encoding: 'utf8',
      }).trim(),
    ).toBe('0');
    const report = await run(`${targets()}
faults:
  - { name: db-reset, fault: { type: postgres-terminate, target: db, application: ${app} }, watch: [a], interval: 50ms, settle: 300ms }
criteria:
  - { name: Database reset, expect: "fault.db-reset.recovery_ms < 3s" }
`);
    const f = report.faults[0];
    expect(f).toMatchObject({
      status: 'inconclusive',
      tookEffect: false,
      recoveryMs: null,
      error: `the fault did not take effect: terminated no session: none of application ${app} was connected to db`,
    });
    expect(report.criteria.find((c) => c.name === 'Database reset')).toMatchObject({
      outcome: 'INCONCLUSIVE',
      status: 'inconclusive',
      actual: null,
    });
    expect(report.criteria.find((c) => c.key === 'faults-pass')).toMatchObject({ outcome: 'INCONCLUSIVE', status: 'inconclusive' });
    expect(report.verdict).toBe('INCONCLUSIVE');
    expect(report.inconclusive).toEqual([
      `fault experiment db-reset (the fault did not take effect: terminated no session: none of application ${app} was connected to db)`,
    ]);
  });

  it('a restart command that restarts nothing did not take effect (no watched target was ever seen failing)', async () => {
    const report = await run(`${targets()}
faults:
  - { name: restart-a, fault: { type: restart, command: "true" }, watch: [a], interval: 50ms, settle: 500ms }
criteria:
  - fault.restart-a.recovery_ms < 5s
`);
    expect(report.faults[0]).toMatchObject({ status: 'inconclusive', tookEffect: false, disruptionSeen: false, recoveryMs: null });
    expect(report.faults[0].error).toBe(
      'the fault did not take effect: no watched target (a) was seen failing or restarting within 500 ms; is it the right command or target?',
    );
    expect(report.verdict).toBe('INCONCLUSIVE');
  });

  it("a bus cut disconnects subscribers too, never a replica nor the tool's own probes, and counts each kind", async () => {
    // Stands for a probe of validate's own that is connected at the moment of the cut.
    const ownProbe = new Redis(bus.url, { connectionName: 'validate-probe', retryStrategy: () => null });
    let ownProbeClosed = false;
    ownProbe.on('end', () => (ownProbeClosed = true));
    await ownProbe.ping();
    const subscriber = new Redis(bus.url, { connectionName: 'md-subscriber', retryStrategy: () => null });
    subscriber.on('error', () => undefined);
    await subscriber.subscribe('md:quotes');
    let subscriberClosed = false;
    subscriber.on('end', () => (subscriberClosed = true));
    const replicaId = (await redisCli(bus.port, 'CLIENT', 'LIST', 'TYPE', 'replica')).match(/id=(\d+)/)![1];
    expect(await redisCli(bus.port, 'PUBSUB', 'NUMSUB', 'md:quotes')).toBe('md:quotes\n1');
    const normal = (await redisCli(bus.port, 'CLIENT', 'LIST', 'TYPE', 'normal'))
      .split('\n')
      .filter((l) => l && !/ cmd=client\|list/.test(l) && !/ name=validate-/.test(l)).length;
    const report = await run(`${targets()}
faults:
  - { name: bus-cut, fault: { type: redis-client-kill, target: bus }, watch: [a], interval: 50ms }
`);
    const f = report.faults[0];
    expect(f).toMatchObject({ status: 'pass', tookEffect: true });
    expect(f.detail).toBe(`CLIENT KILL disconnected ${normal} normal and 1 pub/sub client(s) of bus, besides the tool's own witness`);
    // Redis itself says: the subscriber is gone, the replica still has the same connection.
    expect(await redisCli(bus.port, 'PUBSUB', 'NUMSUB', 'md:quotes')).toBe('md:quotes\n0');
    expect(subscriberClosed).toBe(true);
    expect((await redisCli(bus.port, 'CLIENT', 'LIST', 'TYPE', 'replica')).match(/id=(\d+)/)![1]).toBe(replicaId);
    expect(await redisCli(replica.port, 'INFO', 'replication')).toContain('master_link_status:up');
    expect(ownProbeClosed).toBe(false);
    expect(await ownProbe.ping()).toBe('PONG');
    subscriber.disconnect();
    ownProbe.disconnect();
  });
});

describe('an interrupted fault restores what it broke, or says what is left down', () => {
  let bus: Running;
  let engine: Engine;
  beforeAll(async () => {
    bus = await startRedis();
    engine = await startEngine('b', bus.url);
  });
  afterAll(async () => {
    if (engine) kill(engine);
    await bus?.stop();
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s during a stop/start restart: the start still runs, the report says so, exit %i', async (signal, code) => {
    const config = join(dir, `restart-${signal}.yaml`);
    const out = join(dir, `restart-${signal}.json`);
    writeFileSync(
      config,
      `
targets:
  - { name: b, kind: engine, url: "http://127.0.0.1:${engine.port}" }
faults:
  - name: restart-b
    fault: { type: restart, stop: "kill $(cat ${engine.pidFile})", start: "${engine.command}", downFor: 20s }
    watch: [b]
    interval: 50ms
`,
    );
    const child = spawn(process.execPath, [BIN, 'run', '--config', config, '--chaos', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    await waitFor('the engine to be stopped', async () => !(await up(engine)), 10_000);
    const t0 = performance.now();
    child.kill(signal);
    const exit = await new Promise<number | null>((r) => child.on('close', r));
    const tookMs = performance.now() - t0;
    expect(exit).toBe(code);
    expect(await up(engine)).toBe(true); // restored at once, not after the 20 s downtime
    expect(tookMs).toBeLessThan(10_000);
    const f = JSON.parse(readFileSync(out, 'utf8')).faults[0];
    expect(f).toMatchObject({ status: 'fail', interrupted: true });
    expect(f.error).toBe(`interrupted; restored: ran \`${engine.command}\`; b up again`);
    expect(stderr).toContain(`${signal}: stopping`);
  });

  it('Ctrl-C during a one-command restart lets the command finish: the service is not left down halfway', async () => {
    const config = join(dir, 'restart-command.yaml');
    const out = join(dir, 'restart-command.json');
    const command = `kill $(cat ${engine.pidFile}); sleep 1.5; ${engine.command}`;
    writeFileSync(
      config,
      `
targets:
  - { name: b, kind: engine, url: "http://127.0.0.1:${engine.port}" }
faults:
  - { name: restart-b, fault: { type: restart, command: "${command}" }, watch: [b], interval: 50ms }
`,
    );
    const child = spawn(process.execPath, [BIN, 'run', '--config', config, '--chaos', '--out', out], { stdio: 'ignore' });
    await waitFor('the engine to be stopped', async () => !(await up(engine)), 10_000);
    child.kill('SIGINT');
    expect(await new Promise((r) => child.on('close', r))).toBe(130);
    expect(await up(engine)).toBe(true);
    const f = JSON.parse(readFileSync(out, 'utf8')).faults[0];
    expect(f.detail).toBe(`ran \`${command}\` (to the end: stopping halfway would leave the service down)`);
    expect(f.error).toBe('interrupted; b up again');
  });
});
