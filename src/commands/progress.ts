import type { ProbeResult } from '../results/result.js';

/**
 * A one-line progress counter on stderr while probes run. Only on a terminal: logs and CI output
 * stay clean, and stdout is never touched so `--format json` pipes stay valid.
 */
export function probeProgress(total: number, enabled = Boolean(process.stderr.isTTY)) {
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
