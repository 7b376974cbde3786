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
  if (!found)
    throw new Error(`${name} is not installed; this test needs a real one: apt-get install -y ${debianPackage} (.ci/run does this)`);
  return found;
}

export interface Running {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Stops a server the test started. SIGKILL by default; a server with worker processes (nginx) is sent
 * SIGTERM, its own fast shutdown, because a master killed outright leaves its workers running.
 */
function stopper(proc: ChildProcess, dir: string, signal: NodeJS.Signals = 'SIGKILL') {
  return async () => {
    if (proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill(signal);
      const late = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(late);
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
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--logfile',
    join(dir, 'log'),
    // A primary waits 5 s by default for more replicas before a diskless sync: a test's replica need not.
    '--repl-diskless-sync-delay',
    '0',
  ];
  if (opts.password) args.push('--requirepass', opts.password);
  if (opts.replicaOf) args.push('--replicaof', '127.0.0.1', String(opts.replicaOf));
  args.push(...(opts.extra ?? []));
  const proc = spawn(bin, args, { stdio: 'ignore' });
  const stop = stopper(proc, dir);
  try {
    await waitFor(`redis-server on ${port}`, async () => {
      const c = new Redis({
        port,
        host: '127.0.0.1',
        password: opts.password,
        lazyConnect: true,
        retryStrategy: () => null,
        maxRetriesPerRequest: 0,
      });
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

/** The rules every test Prometheus has unless told otherwise: one always firing, one firing while the "gone" job is down. */
export const DEFAULT_RULES = `groups:
  - name: test
    interval: 1s
    rules:
      - alert: AlwaysFiring
        expr: vector(1)
        labels: { severity: critical }
      - alert: EngineDown
        expr: up{job="gone"} == 0
        labels: { severity: critical, team: trading }
      - alert: HighLatency
        expr: vector(1) > 2
        labels: { severity: warning }
      - record: test_answer
        expr: vector(42)
`;

export interface PrometheusOptions {
  /** The rule file's YAML (default DEFAULT_RULES). */
  rules?: string;
  /** Waits until this holds for /api/v1/alerts (default: some alert firing). */
  ready?: (alerts: { state: string; labels: Record<string, string> }[]) => boolean;
  /** More scrape jobs: name and host:port (its /metrics). */
  scrape?: { job: string; target: string }[];
}

/**
 * A real Prometheus: scrape jobs "self" and "gone" (a port nothing listens on, so it is down), and the
 * rules given (by default one alert always firing and one firing while "gone" is down).
 */
export async function startPrometheus(opts: PrometheusOptions = {}): Promise<Running & { downPort: number; dir: string }> {
  const bin = requireBinary('prometheus', 'prometheus');
  const port = await freePort();
  const downPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'validate-prom-'));
  writeFileSync(join(dir, 'rules.yml'), opts.rules ?? DEFAULT_RULES);
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global: { scrape_interval: 1s, evaluation_interval: 1s }
rule_files: [rules.yml]
scrape_configs:
  - job_name: self
    static_configs: [{ targets: ['127.0.0.1:${port}'] }]
  - job_name: gone
    static_configs: [{ targets: ['127.0.0.1:${downPort}'] }]
${(opts.scrape ?? []).map((s) => `  - job_name: ${s.job}\n    static_configs: [{ targets: ['${s.target}'] }]\n`).join('')}`,
  );
  const proc = spawn(
    bin,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      '--web.enable-lifecycle',
      '--log.level=error',
    ],
    { cwd: dir, stdio: 'ignore' },
  );
  const stop = stopper(proc, dir);
  const url = `http://127.0.0.1:${port}`;
  const firing = (name: string) => (alerts: { state: string; labels: Record<string, string> }[]) =>
    alerts.some((a) => a.labels.alertname === name && a.state === 'firing');
  const ready =
    opts.ready ??
    (opts.rules
      ? (alerts) => alerts.some((a) => a.state === 'firing')
      : (alerts) => firing('AlwaysFiring')(alerts) && firing('EngineDown')(alerts));
  try {
    // Ready, both targets scraped once, and the alerts in the state the test expects.
    await waitFor(
      'prometheus with its alerts firing and a down target',
      async () => {
        const alerts = await (await fetch(`${url}/api/v1/alerts`)).json();
        const targets = await (await fetch(`${url}/api/v1/targets?state=active`)).json();
        return (
          ready(alerts.data.alerts) &&
          targets.data.activeTargets.length === 2 + (opts.scrape?.length ?? 0) &&
          targets.data.activeTargets.every((t: { health: string }) => t.health !== 'unknown')
        );
      },
      30_000,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port, downPort, dir, stop };
}

/**
 * A real nginx serving the locations given (nginx config inside `server { }`), on a free port, in the
 * foreground so the test owns it.
 */
export async function startNginx(locations: string): Promise<Running> {
  const bin = requireBinary('nginx', 'nginx-light');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'validate-nginx-'));
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    ${locations}
  }
}
`,
  );
  const proc = spawn(bin, ['-c', join(dir, 'nginx.conf'), '-p', dir, '-g', 'daemon off;'], { stdio: 'ignore' });
  const stop = stopper(proc, dir, 'SIGTERM');
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      `nginx on ${port}`,
      async () =>
        (await fetch(`${url}/`).then(
          (r) => r.status,
          () => 0,
        )) > 0,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, port, stop };
}

/** The real redis-cli, as an independent view of a Redis the tool is tested against. */
export function redisCli(port: number, ...args: string[]): Promise<string> {
  const bin = requireBinary('redis-cli', 'redis-tools');
  return new Promise((resolve, reject) => {
    const c = spawn(bin, ['-p', String(port), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('error', reject);
    c.on('close', () => resolve(out.trim()));
  });
}

export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
