import { spawn } from 'node:child_process';

export interface ShellResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines of stderr, for a one-line cause. */
  stderr: string;
  timedOut: boolean;
}

const MAX_STDERR = 64 * 1024;

/**
 * Runs a shell command and waits for the command itself to exit, not for its output pipes to close: a
 * restart command that backgrounds the service (`engine &`) leaves the service holding them, and waiting
 * for those would hold the run until the timeout. The command runs in its own process group, so the
 * Ctrl-C a user sends to validate does not cut a restart in half; on timeout the whole group is killed.
 */
export function runShell(command: string, timeoutMs: number): Promise<ShellResult> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    let timedOut = false;
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < MAX_STDERR) stderr += d.toString('utf8');
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGTERM');
      setTimeout(() => killGroup(child.pid, 'SIGKILL'), 2000).unref();
    }, timeoutMs);
    const done = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      child.stderr.destroy(); // a backgrounded child may keep the pipe open: stop reading it
      resolve({ code, signal, stderr: stderr.trim(), timedOut });
    };
    child.once('exit', done);
    child.once('error', (err) => {
      stderr += err.message;
      done(127, null);
    });
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** `restart command failed (exit 3): <last stderr line>` */
export function shellFailure(what: string, r: ShellResult, timeoutMs: number): string | undefined {
  if (r.timedOut) return `${what} did not finish within ${timeoutMs} ms and was killed`;
  if (r.code === 0) return undefined;
  const why = r.code !== null ? `exit ${r.code}` : `killed by ${r.signal}`;
  return `${what} failed (${why})${r.stderr ? `: ${r.stderr.split('\n').at(-1)}` : ''}`;
}

export interface CaptureResult extends ShellResult {
  stdout: string;
  /** The program could not be started at all (ENOENT: not installed, or not on the PATH). */
  missing: boolean;
}

/**
 * Runs a program (no shell) and keeps what it prints, at most `maxBytes` of stdout: a probe reading a
 * tool's report (nvidia-smi). Bounded in time like runShell: on timeout its process group is killed.
 */
export function runCapture(file: string, args: string[], timeoutMs: number, maxBytes = 1024 * 1024): Promise<CaptureResult> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length < maxBytes) stdout += d.toString('utf8').slice(0, maxBytes - stdout.length);
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < MAX_STDERR) stderr += d.toString('utf8');
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGKILL');
    }, timeoutMs);
    let missing = false;
    child.once('error', (err: NodeJS.ErrnoException) => {
      missing = err.code === 'ENOENT';
      stderr += err.message;
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: missing ? 127 : code, signal, stdout, stderr: stderr.trim(), timedOut, missing });
    });
  });
}
