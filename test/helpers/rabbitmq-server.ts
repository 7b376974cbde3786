import { execFile, spawn } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitFor } from './ports.js';
import { requireBinary } from './services.js';

const run = promisify(execFile);

export interface RabbitServer {
  url: string;
  port: number;
  /** Its management API, with guest's credentials. */
  management: string;
  node: string;
  /** The broker's own log so far: what it did, and why (a connection it closed, with the reason given). */
  log(): string;
  /** rabbitmqctl against this node: the broker's own account of its queues, connections and alarms. */
  ctl(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A real RabbitMQ node of the test's own: its own node name, ports, data and log folders, with the
 * management plugin on and its statistics refreshed every 200 ms (5 s by default) so the API's figures
 * catch up with rabbitmqctl's quickly. Never the machine's broker. Debian's wrapper runs the broker as
 * the rabbitmq user, so the folders are its.
 */
export async function startRabbit(): Promise<RabbitServer> {
  requireBinary('rabbitmq-server', 'rabbitmq-server');
  // A port found free can be taken before the broker binds it (it boots for seconds, and every outgoing
  // connection on the machine draws from the same range): the broker then stops with eaddrinuse, and is
  // started again on fresh ports rather than waited for until the timeout.
  for (let attempt = 1; ; attempt++) {
    const started = await startOnce();
    if (typeof started !== 'string') return started;
    if (attempt === 3 || started !== 'port taken') throw new Error(`RabbitMQ did not start: ${started}`);
  }
}

async function startOnce(): Promise<RabbitServer | string> {
  const [port, mport, dport] = [await freePort(), await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'validate-rabbit-'));
  const node = `validate-${port}@localhost`;
  writeFileSync(join(dir, 'plugins'), '[rabbitmq_management].\n');
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    [
      `listeners.tcp.default = 127.0.0.1:${port}`,
      `management.tcp.port = ${mport}`,
      'management.tcp.ip = 127.0.0.1',
      'collect_statistics_interval = 200',
      '',
    ].join('\n'),
  );
  for (const d of ['mnesia', 'log']) mkdirSync(join(dir, d));
  const uid = Number((await run('id', ['-u', 'rabbitmq'])).stdout.trim());
  const gid = Number((await run('id', ['-g', 'rabbitmq'])).stdout.trim());
  for (const p of [dir, join(dir, 'mnesia'), join(dir, 'log'), join(dir, 'plugins'), join(dir, 'rabbitmq.conf')]) chownSync(p, uid, gid);
  const env = {
    ...process.env,
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(dport),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_FEATURE_FLAGS_FILE: join(dir, 'feature_flags'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'plugins'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'),
    RABBITMQ_PID_FILE: join(dir, 'pid'),
  };
  const proc = spawn('rabbitmq-server', [], { env, detached: true, stdio: 'ignore' });
  let exited = false;
  proc.once('exit', () => (exited = true));
  const management = `http://guest:guest@127.0.0.1:${mport}`;
  const ctl = async (...args: string[]) => (await run('rabbitmqctl', ['--node', node, '-q', ...args], { timeout: 30_000 })).stdout;
  const logFile = join(dir, 'log', `${node}.log`);
  const up = async () =>
    (await fetch(`http://127.0.0.1:${mport}/api/overview`, { headers: { authorization: `Basic ${btoa('guest:guest')}` } })).ok;
  await waitFor(`RabbitMQ node ${node}`, async () => exited || (await up()), 60_000);
  if (exited) {
    const log = readFileSync(logFile, 'utf8');
    rmSync(dir, { recursive: true, force: true });
    return log.includes('eaddrinuse') ? 'port taken' : `the broker exited while starting (its log: ${log.slice(-400)})`;
  }
  return {
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    port,
    management,
    node,
    ctl,
    log: () => readFileSync(logFile, 'utf8'),
    async stop() {
      await ctl('stop').catch(() => undefined);
      try {
        process.kill(-proc.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
