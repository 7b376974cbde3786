import type { Config } from '../config/config.js';
import { membersRead } from '../config/catalog.js';
import { configHash } from '../config/hash.js';
import type { ExitCodeValue } from '../exit-codes.js';
import { trendItems } from '../history/trend-items.js';
import type { Report } from '../reports/model.js';
import { execute } from '../run/execute.js';
import { plannedResults } from '../run/run-scenarios.js';
import { runInWorkers } from '../run/workers.js';
import { SECRETS } from '../util/redact.js';
import { note } from '../util/say.js';
import { addSinceLastRuns, earlierRuns, planHistory, recordHistory, type HistoryFlags, type HistoryPlan } from './history-flags.js';
import { checkNotify, sendNotifications, shouldNotify, type NotifyOn } from './notify.js';
import { checkOutputs, emitReport, reportFiles, type OutputFlags } from './output.js';
import { loadProgress, probeProgress } from './progress.js';
import { checkPush, pushMetrics } from './push.js';
import { checkWorkers, probesOnEveryShard, resolveShard, resolveStartAt, type ShardFlags } from './shard-flags.js';

/**
 * The one gate session every command that judges a platform goes through (run, load, demo, probe):
 * config -> workers or local -> execute -> finish -> outputs (files, history, push, GitHub, notify).
 * A command parses its flags into a config and these, and prints what it returns.
 */
export interface GateFlags extends OutputFlags, ShardFlags, HistoryFlags {
  /** A Prometheus Pushgateway to send the run's metrics to, and the headers it takes. */
  push?: string;
  pushHeader?: string[];
  /** Webhooks told of the run (--notify, repeatable), and when (--notify-on). */
  notify?: string[];
  notifyOn?: string;
  workers?: number;
  chaos?: boolean;
  /** How long to wait for the targets to come up first. */
  wait?: number;
  progress?: boolean;
}

export interface Gate {
  /** Runs the config and delivers its report; the exit code is the verdict's (or an output's failure). */
  run(signal: AbortSignal, o?: { notes?: string[] }): Promise<ExitCodeValue>;
  /** The run alone (init --from-probe reads its report without delivering it). */
  report(signal: AbortSignal, o?: { notes?: string[] }): Promise<Report>;
}

/**
 * Every flag is checked before anything runs (a typo in --label or --notify must not cost a night's run);
 * `history: false` for a command that keeps none (an ad-hoc load is not a platform's history).
 */
export function openGate(config: Config, flags: GateFlags, o: { history?: boolean } = {}): Gate {
  checkOutputs(flags, config.outputs);
  const history = o.history === false ? undefined : planHistory(flags);
  checkPush(flags.push, flags.pushHeader);
  checkNotify(flags.notify, flags.notifyOn, Boolean(history?.place));
  const workers = checkWorkers(flags.workers, flags);
  const report = async (signal: AbortSignal, earlier: Earlier, notes?: string[]) =>
    workers
      ? runInWorkers(config, workers, { chaos: flags.chaos, signal, say: note, redactor: SECRETS })
      : runHere(config, flags, signal, earlier, notes);
  return {
    async run(signal, { notes } = {}) {
      // Read before the run: trend criteria are judged with it, and the report says what changed since.
      const earlier = await earlierRuns(history, config.platform);
      return deliver(await report(signal, earlier, notes), flags, config, history, earlier);
    },
    report: async (signal, { notes } = {}) => report(signal, 'no history', notes),
  };
}

type Earlier = Awaited<ReturnType<typeof earlierRuns>>;

async function runHere(config: Config, flags: GateFlags, signal: AbortSignal, earlier: Earlier, notes?: string[]): Promise<Report> {
  const mode = flags.progress ? 'always' : 'auto';
  const progress = probeProgress(config.targets.length, mode);
  const load = loadProgress(mode, plannedResults(config));
  try {
    return await execute(config, SECRETS, {
      signal,
      waitMs: flags.wait,
      onResult: progress.onResult,
      onScenarioStart: load.onStart,
      chaos: flags.chaos,
      notes,
      say: note,
      shard: resolveShard(flags),
      startAt: resolveStartAt(flags),
      probesEverywhere: probesOnEveryShard(flags),
      trends: (now) => trendItems(typeof earlier === 'string' ? earlier : earlier.runs, now, membersRead(config.criteria, 'trend')),
    });
  } finally {
    progress.end();
    load.end();
  }
}

/**
 * Writes the reports, then keeps the run in its history, pushes its metrics and tells the webhooks (a
 * shard's slice is none of these). A history or a push that fails costs a line, never the reports.
 */
export async function deliver(
  report: Report,
  flags: GateFlags,
  config?: Config,
  history?: HistoryPlan,
  earlier?: Earlier,
): Promise<ExitCodeValue> {
  const whole = !report.shard && !report.aborted;
  if (history && whole && earlier) addSinceLastRuns(report, earlier);
  let code: ExitCodeValue | undefined;
  let failure: unknown;
  try {
    code = await emitReport(report, flags, config?.outputs);
  } catch (err) {
    failure = err;
  }
  if (history && whole && config) await recordHistory(report, history, configHash(config));
  if (flags.push && !report.shard) await pushMetrics(report, flags.push, history?.labels, flags.pushHeader);
  if (whole) await notifyIfAsked(report, flags, config, earlier);
  if (failure) throw failure;
  return code!;
}

/** The webhooks, told of a whole run when --notify-on says this verdict (or this change of it) is news. */
async function notifyIfAsked(report: Report, flags: GateFlags, config?: Config, earlier?: Earlier): Promise<void> {
  const last = earlier === undefined || typeof earlier === 'string' ? undefined : earlier.runs.at(-1)?.verdict;
  if (!flags.notify?.length || !shouldNotify((flags.notifyOn ?? 'problems') as NotifyOn, report.verdict, last)) return;
  const files = reportFiles(report, flags, config?.outputs).filter((f) => !['-', '/dev/stdout', '/dev/stderr'].includes(f.path));
  await sendNotifications(
    report,
    flags.notify,
    files.map((f) => f.path),
  );
}
