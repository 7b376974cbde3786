import type { Report } from '../reports/model.js';
import { parseReport, readReport } from '../finish/read-report.js';
import { baselineCandidates, noBaseline } from '../history/baseline.js';
import { outlierRuns } from '../history/outlier-runs.js';
import { openHistory } from '../history/open.js';
import { HistoryError, type HistoryStore, type RunSummary } from '../history/store.js';
import { labelsOf, readingPlace } from './history-flags.js';
import { warn } from '../util/say.js';

export interface HistoryBaselineFlags {
  history?: string;
  /** How many GO runs make the baseline. */
  last?: number;
  label?: string[];
}

/** How many GO runs make a history baseline unless --last says: enough for a spread, recent enough to be today's platform. */
export const BASELINE_RUNS = 10;

/** The current run and its baseline from a history; `bases` empty, with `why`, when there was nothing to compare with. */
export interface HistorySides {
  current: Report;
  bases: Report[];
  place: string;
  why?: string;
  note?: string;
  /** GO runs left out of the baseline as outlier nights. */
  outliers: { startedAt: string; why: string[] }[];
}

async function keptReport(store: HistoryStore, run: RunSummary): Promise<Report> {
  const text = await store.report(run.id);
  const where = `run ${run.id} (${run.startedAt}) in ${store.place}`;
  if (text === undefined) throw new HistoryError(`${where}: its report is gone (pruned meanwhile?)`);
  try {
    return parseReport(text, where);
  } catch (err) {
    throw new HistoryError((err as Error).message);
  }
}

/** The newest run of the history (with the labels asked for): the current run when no report is given. */
async function newestRun(store: HistoryStore, runs: RunSummary[], labels: Record<string, string>): Promise<Report> {
  const newest = runs.at(-1);
  if (!newest) {
    const withLabels = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
    throw new HistoryError(
      `the history ${store.place} holds no run${withLabels.length ? ` labelled ${withLabels.join(', ')}` : ''} to compare: give a report (validate compare --baseline history CURRENT.json), or keep runs with validate run --history`,
    );
  }
  return keptReport(store, newest);
}

/**
 * `compare --baseline history`: the last GO runs of the current run's platform before it, oldest first. A
 * kept report that cannot be read (another schema version, damaged) is left out with a line saying so, and
 * an older one taken instead.
 */
export async function historyBaseline(file: string | undefined, flags: HistoryBaselineFlags): Promise<HistorySides> {
  const place = readingPlace(flags.history);
  const labels = labelsOf(flags.label ?? []);
  const wanted = flags.last ?? BASELINE_RUNS;
  const saved = file ? await readReport(file) : undefined;
  const store = await openHistory(place, { readOnly: true });
  try {
    const runs = await store.list({ labels });
    const current = saved ?? (await newestRun(store, runs, labels));
    const bases: Report[] = [];
    // An outlier night (a noisy neighbour) is no baseline: it would pass any regression, or fail any run.
    const outliers = outlierRuns(runs.filter((r) => r.platform === current.platform));
    const setAside: HistorySides['outliers'] = [];
    for (const run of baselineCandidates(runs, current)) {
      if (bases.length === wanted) break;
      if (outliers.has(run.id)) {
        setAside.unshift({ startedAt: run.startedAt, why: outliers.get(run.id)! });
        continue;
      }
      try {
        bases.unshift(await keptReport(store, run));
      } catch (err) {
        warn(`left out of the baseline: ${(err as Error).message}`);
      }
    }
    if (!bases.length) return { current, bases, place: store.place, why: noBaseline(runs, current, store.place), outliers: setAside };
    const notes = [
      ...(bases.length < wanted
        ? [`The baseline is ${bases.length} GO run(s), all the history holds before this one (asked for ${wanted}).`]
        : []),
      ...(setAside.length
        ? [
            `Left out of the baseline as outlier nights: ${setAside.map((o) => `${o.startedAt.slice(0, 19).replace('T', ' ')} (${o.why.join('; ')})`).join(', ')}.`,
          ]
        : []),
    ];
    const note = notes.length ? notes.join(' ') : undefined;
    return { current, bases, place: store.place, note, outliers: setAside };
  } finally {
    await store.close();
  }
}
