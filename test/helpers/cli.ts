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

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  onSpawn?: (pid: number) => void;
  /** A command that runs the process elsewhere, e.g. ip netns exec NS (another host, to the network). */
  under?: string[];
}

/** A running validate: signal it once what it printed says it got where a test needs it. */
export interface RunningCli {
  pid: number;
  done: Promise<CliResult>;
  /** Resolves with the first match of `re` in stderr so far or to come; rejects if it exits first or after `timeoutMs`. */
  stderrMatches(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  kill(signal: NodeJS.Signals): void;
}

/** Runs the real executable, as a user or CI would (the build comes from `npm test`'s pretest). */
export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return startCli(args, opts).done;
}

export function startCli(args: string[], opts: CliOptions = {}): RunningCli {
  const started = performance.now();
  const [cmd, ...rest] = [...(opts.under ?? []), process.execPath, BIN, ...args];
  const child = spawn(cmd, rest, {
    cwd: opts.cwd,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    for (const w of watchers) w();
  });
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      for (const w of watchers) w();
      const r = { code, stdout, stderr, wallMs: performance.now() - started };
      try {
        checkReports(args, r, opts.cwd);
        resolve(r);
      } catch (err) {
        reject(err);
      }
    });
  });
  if (child.pid) opts.onSpawn?.(child.pid);
  const stderrMatches = (re: RegExp, timeoutMs = 20_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const stop = (fn: () => void) => {
        watchers.delete(check);
        clearTimeout(timer);
        fn();
      };
      const check = () => {
        const m = stderr.match(re);
        if (m) return stop(() => resolve(m));
        if (child.exitCode !== null || child.signalCode !== null)
          stop(() => reject(new Error(`validate exited before its stderr matched ${re}; stderr:\n${stderr}`)));
      };
      const timer = setTimeout(
        () => stop(() => reject(new Error(`stderr did not match ${re} within ${timeoutMs} ms:\n${stderr}`))),
        timeoutMs,
      );
      watchers.add(check);
      check();
    });
  return { pid: child.pid ?? 0, done, stderrMatches, kill: (signal) => child.kill(signal) };
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

/**
 * Why a run was not GO, for a failed exit-code assertion: the stderr, and from a JSON report the criteria
 * that did not pass with their reasons (a load test that fails on a busy machine then says what it saw).
 */
export function whyNot(r: CliResult): string {
  let criteria = '';
  try {
    const report = JSON.parse(r.stdout) as { criteria?: { name: string; status: string; actual?: unknown; reason?: string }[] };
    criteria = (report.criteria ?? [])
      .filter((c) => c.status !== 'pass')
      .map((c) => `${c.name}: ${c.status} ${String(c.actual)} ${c.reason ?? ''}`)
      .join('; ');
  } catch {
    criteria = r.stdout.slice(0, 2000);
  }
  return `${r.stderr.trim()} | ${criteria}`;
}
