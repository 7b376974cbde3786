import type { Status } from '../../results/result.js';
import type { ScenarioResult } from '../../results/scenario-result.js';
import { formatMs } from '../format-values.js';
import type { Report } from '../model.js';
import { fmtPct, fmtRate } from './format-load.js';

/** One load result as the end-of-run summary lists it: what k6's summary shows of a run. */
export interface LoadLine {
  name: string;
  /** Answers a second, `—` when nothing was sent. */
  rps: string;
  p50: string;
  p90: string;
  p99: string;
  max: string;
  /** The failed share: `0%`, `0.02%`. */
  errors: string;
  status: Status;
  /** Why there are no numbers (not run) or why they do not count (INVALID), in a word or two. */
  note?: string;
}

/** Every load result, in report order, with its throughput, latency percentiles and errors. */
export function loadLines(report: Report): LoadLine[] {
  return report.scenarios.map(loadLine);
}

function loadLine(r: ScenarioResult): LoadLine {
  const sent = r.requests > 0;
  const ms = (v: number) => (sent ? formatMs(v) : '—');
  const l = r.latencyMs;
  return {
    name: r.name,
    rps: sent ? fmtRate(r.rps) : '—',
    p50: ms(l.p50),
    p90: ms(l.p90),
    p99: ms(l.p99),
    max: ms(l.max),
    errors: sent ? fmtPct(100 - r.successRate) : '—',
    status: r.status,
    ...(r.status === 'skip' ? { note: 'not run' } : r.validity === 'INVALID' ? { note: 'INVALID' } : {}),
  };
}
