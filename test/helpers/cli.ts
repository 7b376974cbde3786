import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkReport } from './checked.js';

export const BIN = fileURLToPath(new URL('../../bin/validate', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

/** Runs the real executable, as a user or CI would (the build comes from `npm test`'s pretest). */
export function runCli(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; onSpawn?: (pid: number) => void; under?: string[] } = {},
): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // `under`: a command that runs the process elsewhere, e.g. ip netns exec NS (another host, to the network).
    const [cmd, ...rest] = [...(opts.under ?? []), process.execPath, BIN, ...args];
    const child = spawn(cmd, rest, {
      cwd: opts.cwd,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const r = { code, stdout, stderr, wallMs: performance.now() - started };
      try {
        checkReports(args, r, opts.cwd);
        resolve(r);
      } catch (err) {
        reject(err);
      }
    });
    if (child.pid) opts.onSpawn?.(child.pid);
  });
}

/** Every JSON report the run printed or wrote (--out / -o FILE.json) is checked against the report schema. */
function checkReports(args: string[], r: CliResult, cwd?: string): void {
  const isReport = (v: unknown) => Boolean(v) && typeof v === 'object' && 'schemaVersion' in (v as object) && 'verdict' in (v as object);
  const parsed = (text: string) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  };
  const printed = parsed(r.stdout);
  if (isReport(printed)) checkReport(printed, `the report printed by validate ${args.join(' ')}`);
  args.forEach((a, i) => {
    if (a !== '--out' && a !== '-o') return;
    const file = args[i + 1]?.replace(/^json:/, '');
    if (!file?.endsWith('.json') || /\{/.test(file)) return;
    const path = resolvePath(cwd ?? '.', file);
    const written = existsSync(path) ? parsed(readFileSync(path, 'utf8')) : undefined;
    if (isReport(written)) checkReport(written, `the report validate ${args[0]} wrote to ${file}`);
  });
}
