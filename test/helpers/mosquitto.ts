import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { freePort, waitFor } from './ports.js';
import { requireBinary } from './services.js';

export interface Mosquitto {
  url: string;
  port: number;
  /** Counts what arrives on `topic` (wildcards allowed) in a mosquitto_sub process of its own: a witness. */
  witness(topic: string, args?: string[]): Promise<{ lines(): string[]; stop(): void }>;
  stop(): Promise<void>;
}

/**
 * A real mosquitto of the test's own on a free port ($SYS every second, nothing kept on disk), anonymous
 * or with one user from a password file. Never the machine's broker.
 */
export async function startMosquitto(opts: { user?: string; pass?: string } = {}): Promise<Mosquitto> {
  const bin = requireBinary('mosquitto', 'mosquitto');
  requireBinary('mosquitto_sub', 'mosquitto-clients');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'validate-mosquitto-'));
  // As root it would drop to the mosquitto user, who cannot read the test's private folder.
  const lines = [`listener ${port} 127.0.0.1`, 'sys_interval 1', 'persistence false', ...(process.getuid?.() === 0 ? ['user root'] : [])];
  if (opts.user) {
    execFileSync('mosquitto_passwd', ['-c', '-b', join(dir, 'passwd'), opts.user, opts.pass ?? '']);
    lines.push('allow_anonymous false', `password_file ${join(dir, 'passwd')}`);
  } else lines.push('allow_anonymous true');
  writeFileSync(join(dir, 'mosquitto.conf'), `${lines.join('\n')}\n`);
  const proc = spawn(bin, ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  await waitFor(
    `mosquitto on ${port}`,
    () =>
      new Promise((r) => {
        const s = createConnection({ port, host: '127.0.0.1' }, () => {
          s.destroy();
          r(true);
        });
        s.on('error', () => r(false));
      }),
  );
  const auth = opts.user ? ['-u', opts.user, '-P', opts.pass ?? ''] : [];
  const children: ChildProcess[] = [];
  return {
    url: `mqtt://${opts.user ? `${encodeURIComponent(opts.user)}:${encodeURIComponent(opts.pass ?? '')}@` : ''}127.0.0.1:${port}`,
    port,
    async witness(topic, args = []) {
      // Line-buffered: into a pipe its output would wait in a 4 KiB buffer.
      const child = spawn('stdbuf', [
        '-oL',
        'mosquitto_sub',
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        ...auth,
        '-t',
        topic,
        '-v',
        '-d',
        ...args,
      ]);
      children.push(child);
      let out = '';
      let debug = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (debug += d.toString()));
      // mosquitto_sub -d says when its SUBACK came: from then on it sees every message.
      await waitFor(`mosquitto_sub on ${topic}`, async () => /SUBACK/.test(debug + out));
      return {
        lines: () => out.split('\n').filter((l) => l && !/^Client |^Subscribed/.test(l)),
        stop: () => void child.kill('SIGKILL'),
      };
    },
    async stop() {
      for (const c of children) c.kill('SIGKILL');
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
