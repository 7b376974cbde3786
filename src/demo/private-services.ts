import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reachable } from './reachable.js';
import { freePort } from '../util/free-port.js';

/**
 * The demo's own Redis and PostgreSQL: started from the installed binaries on free ports, in a temporary
 * folder, and removed after. The demo writes keys, kills clients and terminates sessions; none of that may
 * happen to a user's own servers unless they name them (`--redis`, `--postgres`).
 */
export interface PrivateService {
  url: string;
  stop(): Promise<void>;
}

/** How long a private server gets to answer once started (initdb is most of PostgreSQL's). */
const READY_MS = 20_000;

export async function startPrivateRedis(): Promise<PrivateService | string> {
  const bin = onPath('redis-server');
  if (!bin) return 'redis-server is not installed (apt-get install redis-server)';
  const dir = mkdtempSync(join(tmpdir(), 'validate-demo-redis-'));
  const port = await freePort();
  // Nothing on disk: a demo's data is thrown away with it.
  const proc = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: 'ignore',
  });
  return started(proc, port, dir, `redis://127.0.0.1:${port}`, 'redis-server');
}

export async function startPrivatePostgres(): Promise<PrivateService | string> {
  const bin = postgresBin();
  if (!bin) return 'the PostgreSQL server is not installed (apt-get install postgresql)';
  const dir = mkdtempSync(join(tmpdir(), 'validate-demo-pg-'));
  // PostgreSQL refuses to run as root: as root, it runs as the postgres user the package made.
  const user = process.getuid?.() === 0 ? postgresUser() : null;
  if (user === undefined) return 'PostgreSQL will not run as root, and there is no postgres user to run it as';
  if (user) chownSync(dir, user.uid, user.gid);
  const as = user ?? {};
  const data = join(dir, 'data');
  try {
    await promisify(execFile)(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'], { ...as, cwd: dir });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    return `initdb failed: ${(err as Error).message.split('\n')[0]}`;
  }
  const port = await freePort();
  const settings = ['listen_addresses=127.0.0.1', 'fsync=off', 'wal_level=replica', 'max_connections=50'];
  const proc = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, ...settings.flatMap((s) => ['-c', s])], {
    ...as,
    stdio: 'ignore',
  });
  return started(proc, port, dir, `postgres://postgres@127.0.0.1:${port}/postgres`, 'postgres');
}

/** Waits for the server's port; a server that exits or never listens is a reason, not a crash. */
async function started(proc: ChildProcess, port: number, dir: string, url: string, name: string): Promise<PrivateService | string> {
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGINT'); // PostgreSQL's fast shutdown; Redis exits on it too
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  let exited = false;
  proc.once('exit', () => (exited = true));
  proc.once('error', () => (exited = true));
  const until = Date.now() + READY_MS;
  while (!exited && Date.now() < until) {
    if (await reachable('127.0.0.1', port, 200)) return { url, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  return exited ? `${name} exited as it started` : `${name} did not listen within ${READY_MS / 1000} s`;
}

function onPath(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  return undefined;
}

/** The folder of initdb and postgres: on PATH, else the newest of Debian's /usr/lib/postgresql/N/bin. */
function postgresBin(): string | undefined {
  const initdb = onPath('initdb');
  if (initdb && existsSync(join(initdb, '..', 'postgres'))) return join(initdb, '..');
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : undefined;
}

function postgresUser(): { uid: number; gid: number } | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}
