import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, waitFor } from './ports.js';

/**
 * Real servers for tests, started from the installed binaries on free ports and stopped afterwards.
 * A missing binary fails the test with the install command: tests that need a service never skip.
 */
export function requireBinary(name: string, debianPackage: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error(`${name} is not installed; this test needs a real one: apt-get install -y ${debianPackage} (.ci/run does this)`);
  return found;
}

export interface Running {
  url: string;
  port: number;
  stop(): Promise<void>;
}

function stopper(proc: ChildProcess, dir: string) {
  return async () => {
    if (proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

export interface RedisOptions {
  password?: string;
  replicaOf?: number;
  extra?: string[];
}

export async function startRedis(opts: RedisOptions = {}): Promise<Running> {
  const bin = requireBinary('redis-server', 'redis-server');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'validate-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--logfile', join(dir, 'log')];
  if (opts.password) args.push('--requirepass', opts.password);
  if (opts.replicaOf) args.push('--replicaof', '127.0.0.1', String(opts.replicaOf));
  args.push(...(opts.extra ?? []));
  const proc = spawn(bin, args, { stdio: 'ignore' });
  const stop = stopper(proc, dir);
  try {
    await waitFor(`redis-server on ${port}`, async () => {
      const c = new Redis({ port, host: '127.0.0.1', password: opts.password, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      c.on('error', () => undefined);
      try {
        await c.connect();
        const info = await c.info('replication');
        return !opts.replicaOf || info.includes('master_link_status:up');
      } finally {
        c.disconnect();
      }
    });
  } catch (err) {
    await stop();
    throw err;
  }
  const auth = opts.password ? `:${encodeURIComponent(opts.password)}@` : '';
  return { url: `redis://${auth}127.0.0.1:${port}`, port, stop };
}

/** A real Prometheus with one alert rule always firing (severity critical) and one scrape target that is down. */
export async function startPrometheus(): Promise<Running & { downPort: number }> {
  const bin = requireBinary('prometheus', 'prometheus');
  const port = await freePort();
  const downPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'validate-prom-'));
  writeFileSync(
    join(dir, 'rules.yml'),
    `groups:
  - name: test
    interval: 1s
    rules:
      - alert: AlwaysFiring
        expr: vector(1)
        labels: { severity: critical }
      - record: test_answer
        expr: vector(42)
`,
  );
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 1s, evaluation_interval: 1s }
rule_files: [rules.yml]
scrape_configs:
  - job_name: self
    static_configs: [{ targets: ['127.0.0.1:${port}'] }]
  - job_name: gone
    static_configs: [{ targets: ['127.0.0.1:${downPort}'] }]
`,
  );
  const proc = spawn(bin, [`--config.file=${join(dir, 'prometheus.yml')}`, `--web.listen-address=127.0.0.1:${port}`, `--storage.tsdb.path=${join(dir, 'data')}`, '--log.level=error'], { cwd: dir, stdio: 'ignore' });
  const stop = stopper(proc, dir);
  const url = `http://127.0.0.1:${port}`;
  try {
    // Ready, both targets scraped once, and the alert firing: the state the probe is tested against.
    await waitFor('prometheus with a firing alert and a down target', async () => {
      const alerts = await (await fetch(`${url}/api/v1/alerts`)).json();
      const targets = await (await fetch(`${url}/api/v1/targets?state=active`)).json();
      return alerts.data.alerts.some((a: { state: string }) => a.state === 'firing') && targets.data.activeTargets.length === 2 && targets.data.activeTargets.every((t: { health: string }) => t.health !== 'unknown');
    }, 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port, downPort, stop };
}

export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
