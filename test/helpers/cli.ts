import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/validate', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

/** Runs the real executable, as a user or CI would (the build comes from `npm test`'s pretest). */
export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; onSpawn?: (pid: number) => void; under?: string[] } = {}): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // `under`: a command that runs the process elsewhere, e.g. ip netns exec NS (another host, to the network).
    const [cmd, ...rest] = [...(opts.under ?? []), process.execPath, BIN, ...args];
    const child = spawn(cmd, rest, { cwd: opts.cwd, env: { ...process.env, NO_COLOR: '1', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, wallMs: performance.now() - started }));
    if (child.pid) opts.onSpawn?.(child.pid);
  });
}
