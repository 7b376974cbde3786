import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import type { FaultResult } from '../../src/results/fault-result.js';
import { checkedExecute } from '../helpers/checked.js';
import { Redactor } from '../../src/util/redact.js';
import { runCli } from '../helpers/cli.js';
import { freePort, waitFor } from '../helpers/ports.js';
import { POSTGRES_URL, redisCli, startRedis, type Running } from '../helpers/services.js';

const ENGINE = fileURLToPath(new URL('../helpers/engine-process.mjs', import.meta.url));
const RECONNECT_MS = 600;
const RESTART_GAP_S = 0.8;
const dir = mkdtempSync(join(tmpdir(), 'validate-faults-'));

interface Engine {
  port: number;
  readyFile: string;
  pidFile: string;
  args: string[];
}

async function startEngine(name: string, redisUrl: string): Promise<Engine> {
  const port = await freePort();
  const readyFile = join(dir, `${name}.ready`);
  const pidFile = join(dir, `${name}.pid`);
  writeFileSync(readyFile, '');
  const args = [ENGINE, String(port), redisUrl, POSTGRES_URL, String(RECONNECT_MS), readyFile, `test-engine-${name}`];
  const child = spawn(process.execPath, args, { stdio: 'ignore', detached: true });
  child.unref();
  writeFileSync(pidFile, String(child.pid));
  await waitFor(`engine ${name}`, async () => (await fetch(`http://127.0.0.1:${port}/health`)).status === 200);
  return { port, readyFile, pidFile, args };
}

const readyTimes = (e: Engine) => readFileSync(e.readyFile, 'utf8').trim().split('\n').map(Number);
const stopEngine = (e: Engine) => {
  try {
    process.kill(Number(readFileSync(e.pidFile, 'utf8')), 'SIGKILL');
  } catch {
    // already gone
  }
};

describe('fault experiments against a real engine, Redis and PostgreSQL', () => {
  let bus: Running;
  let otherBus: Running;
  let a: Engine;
  let b: Engine;
  let yaml: string;

  beforeAll(async () => {
    [bus, otherBus] = await Promise.all([startRedis(), startRedis()]);
    a = await startEngine('a', bus.url);
    b = await startEngine('b', otherBus.url);
    // The restart command a team would configure: stop the engine, start it again (here after a pause).
    const restart = `kill $(cat ${a.pidFile}); sleep ${RESTART_GAP_S}; nohup ${process.execPath} ${a.args.join(' ')} >/dev/null 2>&1 & echo $! > ${a.pidFile}`;
    yaml = `
targets:
  - { name: a, kind: engine, url: "http://127.0.0.1:${a.port}" }
  - { name: b, kind: engine, url: "http://127.0.0.1:${b.port}" }
  # A full probe of this target takes ~1 s: recovery must still be polled every 50 ms (a light PING while watching).
  - { name: bus, kind: redis, url: "${bus.url}", samples: 5, window: 900ms }
  - { name: db, kind: postgres, url: "${POSTGRES_URL}" }
  - { name: retired, kind: tcp, url: "tcp://127.0.0.1:1", required: false }
faults:
  - { name: restart-a, fault: { type: restart, command: "${restart.replace(/"/g, '\\"')}" }, watch: [a], interval: 50ms, consecutive: 3 }
  - { name: bus-cut, fault: { type: redis-client-kill, target: bus }, watch: [a], interval: 50ms, consecutive: 3 }
  - { name: db-reset, fault: { type: postgres-terminate, target: db, application: test-engine-a }, watch: [a], interval: 50ms, consecutive: 3 }
criteria:
  - { name: Single engine restart, expect: "fault.restart-a.recovery_ms < 5s" }
  - { name: Bus interruption, expect: "fault.bus-cut.recovery_ms < 2s" }
  - { name: Database reset, expect: "fault.db-reset.recovery_ms < 3s" }
  - { name: Others unaffected, expect: "fault.isolated >= 1" }
`;
  });
  afterAll(async () => {
    for (const e of [a, b]) if (e) stopEngine(e);
    await Promise.all([bus, otherBus].filter(Boolean).map((r) => r.stop()));
  });

  it('without --chaos nothing is injected and the fault criteria are NOT RUN, not failed', async () => {
    const before = readyTimes(a).length;
    const report = await checkedExecute(parseConfigText(yaml, 'f.yaml', new Redactor(), {}), new Redactor());
    expect(report.faults.map((f) => f.status)).toEqual(['skip', 'skip', 'skip']);
    // The config's four and the implicit "Fault experiments pass": none judged, none failed.
    expect(report.criteria.filter((c) => c.expression.startsWith('fault.')).map((c) => [c.outcome, c.status])).toEqual(
      Array(5).fill(['NOT RUN', 'skip']),
    );
    expect(report.verdict).toBe('GO');
    expect(report.notes).toContain('3 fault experiment(s) not run: fault experiments are destructive and run only with --chaos');
    expect(readyTimes(a)).toHaveLength(before);
  });

  it('measures each recovery within 100 ms of when the engine really became ready, and sees the others unaffected (a target down before the fault is not its doing)', async () => {
    const said: string[] = [];
    // The clients the bus cut should disconnect: everything but validate's own, as Redis itself lists them.
    const others = (await redisCli(bus.port, 'CLIENT', 'LIST'))
      .split('\n')
      .filter((l) => l && !/ name=validate-/.test(l) && !/ cmd=client\|list/.test(l)).length; // not redis-cli itself
    const report = await checkedExecute(parseConfigText(yaml, 'f.yaml', new Redactor(), {}), new Redactor(), {
      chaos: true,
      say: (l) => said.push(l),
    });
    const ready = readyTimes(a);
    const byName = Object.fromEntries(report.faults.map((f) => [f.name, f])) as Record<string, FaultResult>;
    // Ready times after the initial start: one per fault, in order.
    const [afterRestart, afterBus, afterDb] = ready.slice(-3);
    const expected = (f: FaultResult, readyAt: number) => readyAt - Date.parse(f.injectedAt!);
    for (const [name, readyAt] of [
      ['restart-a', afterRestart],
      ['bus-cut', afterBus],
      ['db-reset', afterDb],
    ] as const) {
      const f = byName[name];
      expect(f, name).toMatchObject({
        status: 'pass',
        recovered: true,
        disruptionSeen: true,
        isolated: true,
        affected: [],
        steadyAfter: true,
      });
      console.log(`${name}: recovery ${f.recoveryMs!.toFixed(0)} ms, engine ready after ${expected(f, readyAt)} ms`);
      expect(Math.abs(f.recoveryMs! - expected(f, readyAt)), name).toBeLessThan(100);
    }
    // The arranged downtimes bound them from below: the restart pause and the reconnection delay.
    expect(byName['restart-a'].recoveryMs!).toBeGreaterThan(RESTART_GAP_S * 1000);
    expect(byName['bus-cut'].recoveryMs!).toBeGreaterThan(RECONNECT_MS - 50);
    expect(byName['bus-cut'].witnessRecoveryMs).toBeGreaterThanOrEqual(0);
    expect(others).toBeGreaterThan(0);
    expect(byName['bus-cut'].detail).toBe(
      `CLIENT KILL disconnected ${others} normal and 0 pub/sub client(s) of bus, besides the tool's own witness`,
    );
    expect(byName['db-reset'].detail).toBe('terminated 1 session(s) on db');
    expect(said[0]).toMatch(/^fault restart-a: about to run `kill .*`; watching a$/);
    expect(report.verdict).toBe('GO');
    expect(report.criteria.filter((c) => c.expression.startsWith('fault.')).map((c) => c.status)).toEqual([
      'pass',
      'pass',
      'pass',
      'pass',
      'pass',
    ]);
  });

  it('--dry-run says what each fault would do and touches nothing', async () => {
    const file = join(dir, 'faults.yaml');
    writeFileSync(file, yaml);
    const before = readyTimes(a).length;
    const r = await runCli(['run', '--config', file, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `fault bus-cut: would disconnect all normal and pub/sub clients of Redis "bus" (${bus.url}) with CLIENT KILL; watching a (only with --chaos)`,
    );
    expect(r.stdout).toContain('fault db-reset: would terminate the sessions of application test-engine-a on PostgreSQL "db"');
    expect(readyTimes(a)).toHaveLength(before);
  });
});
