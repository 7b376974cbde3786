import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, waitFor } from './ports.js';

/**
 * A private PostgreSQL cluster on a free port, from the installed binaries: its own settings
 * (max_connections, reserved slots), a non-superuser role `app`, and, when asked, a real streaming
 * replica made with pg_basebackup -R. The machine's own PostgreSQL is never touched.
 */
export interface Cluster {
  port: number;
  /** As the superuser. */
  url: string;
  /** As `app`, a role without superuser rights. */
  appUrl: string;
  dir: string;
  stop(): Promise<void>;
}

/** The newest PostgreSQL server installed from Debian's packages (initdb, postgres, pg_basebackup). */
function serverBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions.length)
    throw new Error(
      'the PostgreSQL server binaries are not installed (no /usr/lib/postgresql/*/bin/postgres); this test needs them: apt-get install -y postgresql (.ci/run does this)',
    );
  return join(root, versions[0], 'bin');
}
const BIN = serverBin();

function asPostgres(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
  return { uid, gid };
}

function privateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'validate-pg-'));
  const { uid, gid } = asPostgres();
  chownSync(dir, uid, gid);
  return dir;
}

function startServer(data: string, port: number, settings: Record<string, string | number>): ChildProcess {
  const args = [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    data,
    '-c',
    'listen_addresses=127.0.0.1',
    ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
  ];
  return spawn(join(BIN, 'postgres'), args, { ...asPostgres(), stdio: 'ignore' });
}

async function ready(url: string): Promise<void> {
  await waitFor(
    `postgres at ${url}`,
    async () => {
      const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 500 });
      c.on('error', () => undefined);
      try {
        await c.connect();
        await c.query('SELECT 1');
        return true;
      } finally {
        await c.end().catch(() => undefined);
      }
    },
    30_000,
  );
}

function stopper(proc: ChildProcess, dir: string): () => Promise<void> {
  return async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGINT'); // fast shutdown
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

export interface ClusterOptions {
  /** pg_hba.conf as a whole (the default: trust, replication allowed from 127.0.0.1). */
  hba?: string;
  /** Files copied into the data directory, owned by postgres, mode 0600 (ssl_cert_file, ssl_key_file). */
  files?: Record<string, string>;
}

export async function startCluster(settings: Record<string, string | number> = {}, opts: ClusterOptions = {}): Promise<Cluster> {
  const dir = privateDir();
  const data = join(dir, 'data');
  execFileSync(join(BIN, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'], { ...asPostgres(), stdio: 'ignore' });
  if (opts.hba) writeFileSync(join(data, 'pg_hba.conf'), opts.hba);
  else appendFileSync(join(data, 'pg_hba.conf'), 'host replication all 127.0.0.1/32 trust\n');
  const { uid, gid } = asPostgres();
  for (const [name, from] of Object.entries(opts.files ?? {})) {
    copyFileSync(from, join(data, name));
    chownSync(join(data, name), uid, gid);
    chmodSync(join(data, name), 0o600);
  }
  const port = await freePort();
  const proc = startServer(data, port, { wal_level: 'replica', max_wal_senders: 5, fsync: 'off', ...settings });
  const cluster = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    appUrl: `postgres://app@127.0.0.1:${port}/postgres`,
    dir,
    stop: stopper(proc, dir),
  };
  try {
    await ready(cluster.url);
    const c = new pg.Client({ connectionString: cluster.url });
    await c.connect();
    await c.query('CREATE ROLE app LOGIN');
    await c.end();
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}

/** A streaming replica of `primary`, made the way an operator would: pg_basebackup -R, then start it. */
export async function startReplica(primary: Cluster): Promise<Cluster> {
  const dir = privateDir();
  const data = join(dir, 'data');
  execFileSync(
    join(BIN, 'pg_basebackup'),
    ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', data, '-R', '-X', 'stream'],
    { ...asPostgres(), stdio: 'ignore' },
  );
  writeFileSync(
    join(data, 'postgresql.auto.conf'),
    `primary_conninfo = 'host=127.0.0.1 port=${primary.port} user=postgres application_name=replica1'\n`,
    { flag: 'a' },
  );
  const port = await freePort();
  const proc = startServer(data, port, { hot_standby: 'on', fsync: 'off' });
  const replica = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    appUrl: `postgres://app@127.0.0.1:${port}/postgres`,
    dir,
    stop: stopper(proc, dir),
  };
  try {
    await ready(replica.url);
  } catch (err) {
    await replica.stop();
    throw err;
  }
  return replica;
}

/** psql, the independent source: the first column of the first row. */
export function psql(url: string, sql: string): string {
  return execFileSync('psql', [url, '-Atc', sql], { encoding: 'utf8' }).trim();
}
