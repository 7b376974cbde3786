import { UsageError } from '../errors.js';
import type { Report } from '../reports/model.js';
import { historyRun, parseLabel } from '../history/record.js';
import { openHistory, parseKeep } from '../history/open.js';
import { HistoryError, type RunSummary } from '../history/store.js';
import { sinceLastRuns } from '../history/since.js';
import { SECRETS } from '../util/redact.js';
import { note, warn } from '../util/say.js';

/** Flags of a run that is kept in a history (scheduled runs). */
export interface HistoryFlags {
  /** A folder (embedded store) or a postgres:// URL; VALIDATE_HISTORY when absent. */
  history?: string;
  label?: string[];
  keep?: string;
  historyRequired?: boolean;
}

export interface HistoryPlan {
  place: string;
  labels: Record<string, string>;
  keep?: { runs?: number; olderThanMs?: number };
  required: boolean;
}

/** The history a reading command names (or VALIDATE_HISTORY), its password masked from then on. */
export function readingPlace(arg: string | undefined): string {
  const place = arg ?? process.env.VALIDATE_HISTORY;
  if (!place) throw new UsageError('which history? give a folder or a postgres:// URL, or set VALIDATE_HISTORY');
  if (/^postgres(ql)?:/.test(place)) SECRETS.addFromUrl(place);
  return place;
}

/** `--label k=v` flags as a map, or a UsageError naming the one that is not NAME=VALUE. */
export function labelsOf(specs: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const spec of specs) {
    const kv = parseLabel(spec);
    if (!kv) throw new UsageError(`--label ${spec}: expected NAME=VALUE, e.g. --label env=staging`);
    labels[kv[0]] = kv[1];
  }
  return labels;
}

/** The flags checked before the run (a typo in --label must not cost a night's run); undefined without a history. */
export function planHistory(flags: HistoryFlags & { push?: string }): HistoryPlan | undefined {
  const place = flags.history ?? process.env.VALIDATE_HISTORY;
  const labels = labelsOf(flags.label ?? []);
  if (!place) {
    if (flags.keep || flags.historyRequired)
      throw new UsageError(
        '--keep and --history-required need a history: --history PLACE (a folder or postgres://...) or VALIDATE_HISTORY',
      );
    if (flags.label?.length && !flags.push)
      throw new UsageError('--label needs somewhere to keep it: --history PLACE (or VALIDATE_HISTORY), or --push URL');
    // Labels alone group what is pushed.
    return flags.label?.length ? { place: '', labels, required: false } : undefined;
  }
  const keep = flags.keep === undefined ? undefined : parseKeep(flags.keep);
  if (flags.keep !== undefined && !keep)
    throw new UsageError(`--keep ${flags.keep}: expected a number of runs (400) or an age (90d, 12w, 1y)`);
  if (/^postgres(ql)?:/.test(place)) SECRETS.addFromUrl(place);
  return { place, labels, keep, required: Boolean(flags.historyRequired) };
}

/**
 * Appends the run to its history, after its reports are written: a history that cannot be written costs one
 * line on stderr, never the reports or the verdict's exit code (unless --history-required, then HistoryError).
 */
export async function recordHistory(report: Report, plan: HistoryPlan | undefined, configHash: string): Promise<void> {
  if (!plan?.place) return;
  try {
    const store = await openHistory(plan.place);
    try {
      const id = await store.append(historyRun(report, { configHash, labels: plan.labels }));
      const pruned = plan.keep ? await store.prune(plan.keep) : 0;
      note(`kept run ${id} in the history ${store.place}${pruned ? ` (${pruned} older run(s) pruned)` : ''}`);
    } finally {
      await store.close();
    }
  } catch (err) {
    const why = err instanceof HistoryError ? err.message : `history ${plan.place}: ${(err as Error).message}`;
    if (plan.required) throw new HistoryError(`the run finished (${report.verdict}) and its reports were written, but ${why}`);
    warn(`the run was not kept in its history: ${why}`);
  }
}

/** How many earlier runs a run is compared with ("Since the last runs", trend criteria). */
const EARLIER_RUNS = 90;

/**
 * The earlier runs of the same platform in the run's history (of the same `env` when it has that label:
 * staging with staging; a `git` label differs every night and does not split them), oldest first; or why
 * there are none to read (no --history, a history that cannot be read: said again when the run is kept).
 */
export async function earlierRuns(
  plan: HistoryPlan | undefined,
  platform: string,
): Promise<{ runs: RunSummary[]; place: string } | string> {
  if (!plan?.place) return 'no history: keep the runs with --history PLACE (or VALIDATE_HISTORY)';
  try {
    const store = await openHistory(plan.place);
    try {
      const env: Record<string, string> = plan.labels.env === undefined ? {} : { env: plan.labels.env };
      const runs = (await store.list({ last: 10 * EARLIER_RUNS, labels: env })).filter((r) => r.platform === platform).slice(-EARLIER_RUNS);
      return { runs, place: store.place };
    } finally {
      await store.close();
    }
  } catch (err) {
    return `the history could not be read: ${(err as Error).message}`;
  }
}

/** "Since the last runs" in the report, when the history could be read. */
export function addSinceLastRuns(report: Report, earlier: { runs: RunSummary[]; place: string } | string): void {
  if (typeof earlier !== 'string') report.sinceLastRuns = sinceLastRuns(report, earlier.runs.slice(-30), earlier.place);
}
