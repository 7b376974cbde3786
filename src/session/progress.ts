import type { LiveView } from '../load/measure.js';
import type { ProbeResult } from '../results/result.js';
import { isQuiet } from '../util/say.js';

/** A line no wider than the terminal: a wrapped progress line leaves fragments that \r cannot erase. */
function fit(line: string, width: number | undefined): string {
  const w = (width ?? 120) - 1;
  return line.length > w ? `${line.slice(0, Math.max(0, w - 1))}…` : line;
}

/**
 * Progress while probes run, on stderr (stdout is never touched, so `--format json` pipes stay valid).
 * On a terminal, one line rewriting itself; with --progress elsewhere (a CI log), one line per finished
 * probe. Otherwise nothing: logs stay clean.
 */
export function probeProgress(total: number, mode: 'auto' | 'always' = 'auto') {
  const tty = Boolean(process.stderr.isTTY);
  const enabled = mode === 'always' || (tty && !isQuiet());
  let done = 0;
  let failed = 0;
  const started = performance.now();
  return {
    onResult(r: ProbeResult) {
      done++;
      if (r.status === 'fail') failed++;
      if (!enabled) return;
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      if (!tty) return void process.stderr.write(`probed ${done}/${total}  ${r.name} ${r.status}  ${secs}s\n`);
      process.stderr.write(
        `\r\x1b[2K${fit(`probing ${done}/${total}  ${failed} failed  ${secs}s  last: ${r.name} ${r.status}`, process.stderr.columns)}`,
      );
    },
    end() {
      if (enabled && tty && done > 0) process.stderr.write('\r\x1b[2K');
    },
  };
}

const secs = (ms: number) =>
  ms >= 3_600_000
    ? `${Math.floor(ms / 3_600_000)}h${String(Math.floor((ms % 3_600_000) / 60_000)).padStart(2, '0')}m`
    : ms >= 60_000
      ? `${Math.floor(ms / 60_000)}m${String(Math.floor((ms % 60_000) / 1000)).padStart(2, '0')}s`
      : `${Math.floor(ms / 1000)}s`;

/**
 * One load result's progress: which of how many, elapsed of planned (time, or requests for a count),
 * the ETA, and the live numbers. A soak's view is its whole mix (every entry records into it).
 */
export function progressLine(view: LiveView, at: { elapsedMs: number; rps: number; index: number; total?: number }): string {
  const r = view.live();
  const which = at.total ? `${at.index}/${at.total} ` : '';
  let done = secs(at.elapsedMs);
  let eta = '';
  if (view.plannedMs) {
    done += ` of ${secs(view.plannedMs)}`;
    eta = `  ETA ${secs(Math.max(0, view.plannedMs - at.elapsedMs))}`;
  } else if (view.plannedRequests && r.requests > 0) {
    done += `  ${Math.floor((r.requests / view.plannedRequests) * 100)}% of ${view.plannedRequests.toLocaleString('en-US')} req`;
    eta = `  ETA ${secs((at.elapsedMs / r.requests) * Math.max(0, view.plannedRequests - r.requests))}`;
  }
  const p99 = r.p99Ms === undefined ? '-' : r.p99Ms.toFixed(2);
  return `[${which}${view.name}] ${done}${eta}  ${r.requests.toLocaleString('en-US')} req  ${Math.round(at.rps).toLocaleString('en-US')} rps  p99 ${p99} ms  errors ${r.errors.toLocaleString('en-US')}`;
}

/**
 * A live line per load result on stderr, once a second. On a terminal it rewrites itself, cut to the
 * terminal's width; with --progress elsewhere it prints one line per second. `total`: the results the
 * run will produce, for "3/20".
 */
export function loadProgress(mode: 'auto' | 'always' | 'never' = 'auto', total?: number) {
  const tty = Boolean(process.stderr.isTTY);
  const enabled = mode === 'always' || (mode === 'auto' && tty && !isQuiet());
  let timer: NodeJS.Timeout | undefined;
  let lastLine = false;
  let index = 0;
  const clear = () => {
    clearInterval(timer);
    if (lastLine && tty) process.stderr.write('\r\x1b[2K');
    lastLine = false;
  };
  return {
    onStart(view: LiveView) {
      clear();
      index++;
      if (!enabled) return;
      let lastCount = 0;
      let lastElapsed = 0;
      const mine = index;
      timer = setInterval(() => {
        const r = view.live();
        if (r.stopped) return clear();
        const rps = r.elapsedMs > lastElapsed ? ((r.requests - lastCount) / (r.elapsedMs - lastElapsed)) * 1000 : 0;
        lastCount = r.requests;
        lastElapsed = r.elapsedMs;
        const line = progressLine(view, { elapsedMs: r.elapsedMs, rps, index: mine, total: total && total >= mine ? total : undefined });
        process.stderr.write(tty ? `\r\x1b[2K${fit(line, process.stderr.columns)}` : `${line}\n`);
        lastLine = true;
      }, 1000);
      timer.unref();
    },
    end: clear,
  };
}
