import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './ports.js';
import { requireBinary } from './services.js';

export interface NatsServer {
  url: string;
  port: number;
  /** The server's monitoring endpoint (/varz, /connz, /jsz): its own view of what crossed it. */
  monitor: string;
  /** Shell commands that stop it and start it again (same port, same JetStream store): for restart faults. */
  stopCommand: string;
  startCommand: string;
  stop(): Promise<void>;
}

/**
 * A real nats-server of the test's own, on free ports, in the background with a pid file so that a
 * fault's shell commands can stop and start it as an operator would. Never the machine's NATS.
 */
export async function startNats(
  opts: { jetstream?: boolean; user?: string; pass?: string; token?: string; tls?: { cert: string; key: string } } = {},
): Promise<NatsServer> {
  const bin = requireBinary('nats-server', 'nats-server');
  const [port, mport] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'validate-nats-'));
  const pid = join(dir, 'pid');
  const args = [
    '-a',
    '127.0.0.1',
    '-p',
    port,
    '-m',
    mport,
    '-P',
    pid,
    ...(opts.jetstream === false ? [] : ['-js', '-sd', join(dir, 'js')]),
    ...(opts.user ? ['--user', opts.user, '--pass', opts.pass ?? ''] : []),
    ...(opts.token ? ['--auth', opts.token] : []),
    // TLS required of every client: the server greets in plaintext (INFO), then the client upgrades.
    ...(opts.tls ? ['--tls', '--tlscert', opts.tls.cert, '--tlskey', opts.tls.key] : []),
  ];
  const startCommand = `${bin} ${args.map((a) => `'${a}'`).join(' ')} >>'${join(dir, 'log')}' 2>&1 &`;
  const stopCommand = `kill -9 $(cat '${pid}') && rm -f '${pid}' && while (exec 3<>/dev/tcp/127.0.0.1/${port}) 2>/dev/null; do sleep 0.01; done`;
  const up = () =>
    waitFor(
      `nats-server on ${port}`,
      () =>
        new Promise((r) => {
          const s = createConnection({ port, host: '127.0.0.1' }, () => {
            s.destroy();
            r(existsSync(pid));
          });
          s.on('error', () => r(false));
        }),
    );
  execFileSync('sh', ['-c', startCommand]);
  await up();
  const auth = opts.user
    ? `${encodeURIComponent(opts.user)}:${encodeURIComponent(opts.pass ?? '')}@`
    : opts.token
      ? `${encodeURIComponent(opts.token)}@`
      : '';
  return {
    url: `nats://${auth}127.0.0.1:${port}`,
    port,
    monitor: `http://127.0.0.1:${mport}`,
    stopCommand,
    startCommand: `${startCommand} while ! [ -s '${pid}' ]; do sleep 0.01; done`,
    async stop() {
      if (existsSync(pid)) execFileSync('sh', ['-c', `kill -9 ${readFileSync(pid, 'utf8').trim()} 2>/dev/null || true`]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
