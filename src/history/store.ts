import { ValidateError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { HistoryRun } from './record.js';
import type { LoadNumbers, ProbeNumber } from '../results/trend-metrics.js';

/** What `validate history` lists of a run: its row, without the report. */
export interface RunSummary {
  id: string;
  startedAt: string;
  verdict: string;
  platform: string;
  labels: Record<string, string>;
  blockers: string[];
  durationMs: number;
  /** Each load result's percentiles, rate and failed share (%), by name. */
  loads: LoadSummary[];
  /** Each criterion's actual value (null: not measured) and outcome. */
  criteria: { name: string; actual: number | null; bound: number | null; outcome: string }[];
  /** Each probe's unlabelled numbers (`redis.primary.replication_lag_s`); none in runs kept before schema 4. */
  probes: ProbeNumber[];
}

/** A load result's numbers in a run, by its name. */
export interface LoadSummary extends LoadNumbers {
  name: string;
}

export interface RunFilter {
  last?: number;
  labels?: Record<string, string>;
}

/** A place runs are kept: a folder (SQLite) or a PostgreSQL database; the same tables in both. */
export interface HistoryStore {
  /** Where it is, credentials left out: for messages. */
  readonly place: string;
  append(run: HistoryRun): Promise<string>;
  /** Oldest first, the newest `last` of them. */
  list(filter: RunFilter): Promise<RunSummary[]>;
  /** The full report of a run, as it was written. */
  report(id: string): Promise<string | undefined>;
  /** Drops runs beyond the newest `runs`, or older than `olderThanMs`; says how many went. */
  prune(keep: { runs?: number; olderThanMs?: number }): Promise<number>;
  close(): Promise<void>;
}

/** The history could not be read or written: one line that names the place and, where it can, the fix. */
export class HistoryError extends ValidateError {
  override readonly exitCode = ExitCode.HISTORY;
  constructor(message: string) {
    super(message);
    this.name = 'HistoryError';
  }
}

/** A run's id: its start time and a random tail, so two runs of one second from two machines never collide. */
export function runId(run: HistoryRun): string {
  return `${run.startedAt.replace(/[-:.TZ]/g, '').slice(0, 14)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The labels a filter asks for are all on the run (a label filter is an AND, as Prometheus's are). */
export function matchesLabels(run: Record<string, string>, wanted: Record<string, string> | undefined): boolean {
  return Object.entries(wanted ?? {}).every(([k, v]) => run[k] === v);
}
