import type { LiveView } from '../load/measure.js';
import type { ProbeResult } from '../results/result.js';
import { isQuiet } from './say.js';

/**
 * A one-line progress counter on stderr while probes run. Only on a terminal: logs and CI output
 * stay clean, and stdout is never touched so `--format json` pipes stay valid.
 */
export function probeProgress(total: number, enabled = Boolean(process.stderr.isTTY) && !isQuiet()) {
  let done = 0;
  let failed = 0;
  const started = performance.now();
  return {
    onResult(r: ProbeResult) {
      done++;
      if (r.status === 'fail') failed++;
      if (!enabled) return;
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      process.stderr.write(`\r\x1b[2Kprobing ${done}/${total}  ${failed} failed  ${secs}s  last: ${r.name} ${r.status}`);
    },
    end() {
      if (enabled && done > 0) process.stderr.write('\r\x1b[2K');
    },
  };
}

/**
 * A live line per load result on stderr, once a second: elapsed, requests, current rps, p99 so far,
 * errors. On a terminal it rewrites itself; with --progress elsewhere it prints one line per second.
 */
export function loadProgress(mode: 'auto' | 'always' | 'never' = 'auto') {
  const tty = Boolean(process.stderr.isTTY);
  const enabled = mode === 'always' || (mode === 'auto' && tty && !isQuiet());
  let timer: NodeJS.Timeout | undefined;
  let lastLine = false;
  const clear = () => {
    clearInterval(timer);
    if (lastLine && tty) process.stderr.write('\r\x1b[2K');
    lastLine = false;
  };
  return {
    onStart(view: LiveView) {
      clear();
      if (!enabled) return;
      const r = view.recorder;
      let lastCount = 0;
      let lastAt = r.startedAt;
      timer = setInterval(() => {
        if (r.isStopped) return clear();
        const now = performance.now();
        const rps = ((r.requests - lastCount) / (now - lastAt)) * 1000;
        lastCount = r.requests;
        lastAt = now;
        const p99 = r.latency.totalCount ? (r.latency.getValueAtPercentile(99) / 1000).toFixed(2) : '-';
        const line = `[${view.name}] ${((now - r.startedAt) / 1000).toFixed(0)}s  ${r.requests.toLocaleString('en-US')} req  ${Math.round(rps).toLocaleString('en-US')} rps  p99 ${p99} ms  errors ${r.errors}`;
        process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
        lastLine = true;
      }, 1000);
      timer.unref();
    },
    end: clear,
  };
}
