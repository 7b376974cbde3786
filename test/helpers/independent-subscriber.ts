import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * An independent subscriber in a process of its own (bus-subscriber.mjs, Redis or NATS by the URL): it
 * receives the messages a bus scenario publishes and times each with its own clock. `end()` stops it
 * and returns what it counted.
 */
const SUBSCRIBER = fileURLToPath(new URL('./bus-subscriber.mjs', import.meta.url));

export function independent(
  url: string,
  channel: string,
): Promise<{ proc: ChildProcess; end(): Promise<{ received: number; distinct: number; p50: number; p99: number }> }> {
  const proc = spawn(process.execPath, [SUBSCRIBER, url, channel], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  return new Promise((resolve) => {
    const ready = () => {
      if (!out.includes('ready')) return;
      proc.stdout!.off('data', ready);
      resolve({
        proc,
        end: () =>
          new Promise((r) => {
            proc.once('exit', () => r(JSON.parse(out.split('\n').find((l) => l.startsWith('{'))!)));
            proc.stdin!.write('end\n');
          }),
      });
    };
    proc.stdout!.on('data', ready);
  });
}
