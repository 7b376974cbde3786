import { parseConfigText, readConfigText } from '../config/load.js';
import { runInWorkers } from '../run/workers.js';
import type { ExitCodeValue } from '../exit-codes.js';
import { execute } from '../run/execute.js';
import { plannedResults } from '../run/run-scenarios.js';
import { SECRETS, redactUrlsInText } from '../util/redact.js';
import { note } from './say.js';
import type { Config } from '../config/config.js';
import { faultType } from '../faults/registry.js';
import { ExitCode } from '../exit-codes.js';
import { checkOutputs, emitReport, reportFiles, type OutputFlags } from './output.js';
import { addSinceLastRuns, earlierRuns, planHistory, recordHistory, type HistoryFlags, type HistoryPlan } from './history-flags.js';
import { trendItems } from '../history/trend-items.js';
import { membersRead } from '../config/catalog.js';
import type { Report } from '../reports/model.js';
import { configHash } from '../config/hash.js';
import { checkPush, pushMetrics } from './push.js';
import { checkNotify, sendNotifications, shouldNotify, type NotifyOn } from './notify.js';
import { loadProgress, probeProgress } from './progress.js';
import { checkWorkers, probesOnEveryShard, resolveShard, resolveStartAt, type ShardFlags } from './shard-flags.js';

export interface RunFlags extends OutputFlags, ShardFlags, HistoryFlags {
  /** A Prometheus Pushgateway to send the run's metrics to. */
  push?: string;
  /** Headers the push sends (a gateway behind a token), repeatable. */
  pushHeader?: string[];
  /** Webhooks told of the run (--notify, repeatable), and when (--notify-on). */
  notify?: string[];
  notifyOn?: string;
  workers?: number;
  config: string;
  chaos?: boolean;
  dryRun?: boolean;
  timeout?: number;
  wait?: number;
  concurrency?: number;
  retries?: number;
  progress?: boolean;
}

/** `validate run --config FILE`: the gate. */
export async function run(flags: RunFlags, signal: AbortSignal): Promise<ExitCodeValue> {
  const redactor = SECRETS;
  const text = await readConfigText(flags.config);
  const config = parseConfigText(text, flags.config === '-' ? 'stdin' : flags.config, redactor);
  if (flags.timeout !== undefined) config.defaults.timeout = flags.timeout;
  if (flags.concurrency !== undefined) config.defaults.concurrency = flags.concurrency;
  if (flags.retries !== undefined) config.retries = flags.retries;
  checkOutputs(flags, config.outputs);
  const history = planHistory(flags);
  checkPush(flags.push, flags.pushHeader);
  checkNotify(flags.notify, flags.notifyOn, Boolean(history?.place));
  if (flags.dryRun) return dryRun(config);
  const workers = checkWorkers(flags.workers, flags);
  // Read before the run: trend criteria are judged with it, and the report says what changed since.
  const earlier = await earlierRuns(history, config.platform);
  if (workers) {
    const merged = await runInWorkers(config, workers, { chaos: flags.chaos, signal, say: note, redactor });
    return withHistory(merged, flags, config, history, earlier);
  }
  const progress = probeProgress(config.targets.length, flags.progress ? 'always' : 'auto');
  const load = loadProgress(flags.progress ? 'always' : 'auto', plannedResults(config));
  const shard = resolveShard(flags);
  const startAt = resolveStartAt(flags);
  const report = await execute(config, redactor, {
    signal,
    waitMs: flags.wait,
    onResult: progress.onResult,
    onScenarioStart: load.onStart,
    chaos: flags.chaos,
    say: note,
    shard,
    startAt,
    probesEverywhere: probesOnEveryShard(flags),
    trends: (now) => trendItems(typeof earlier === 'string' ? earlier : earlier.runs, now, membersRead(config.criteria, 'trend')),
  });
  progress.end();
  load.end();
  return withHistory(report, flags, config, history, earlier);
}

/** Writes the reports, then keeps the run in its history and pushes its metrics (a shard's slice is neither). */
async function withHistory(
  report: Report,
  flags: RunFlags,
  config: Config,
  history: HistoryPlan | undefined,
  earlier: Awaited<ReturnType<typeof earlierRuns>>,
): Promise<ExitCodeValue> {
  let code: ExitCodeValue | undefined;
  let failure: unknown;
  if (history && !report.aborted && !report.shard) addSinceLastRuns(report, earlier);
  try {
    code = await emitReport(report, flags, config.outputs);
  } catch (err) {
    failure = err;
  }
  if (history && !report.aborted && !report.shard) await recordHistory(report, history, configHash(config));
  if (flags.push && !report.shard) await pushMetrics(report, flags.push, history?.labels, flags.pushHeader);
  const last = typeof earlier === 'string' ? undefined : earlier.runs.at(-1)?.verdict;
  if (
    flags.notify?.length &&
    !report.shard &&
    !report.aborted &&
    shouldNotify((flags.notifyOn ?? 'problems') as NotifyOn, report.verdict, last)
  ) {
    const files = reportFiles(report, flags, config.outputs).filter((f) => !['-', '/dev/stdout', '/dev/stderr'].includes(f.path));
    await sendNotifications(
      report,
      flags.notify,
      files.map((f) => f.path),
    );
  }
  if (failure) throw failure;
  return code!;
}

/** `--dry-run`: says what would be probed, loaded and injected, and touches nothing. */
function dryRun(config: Config): ExitCodeValue {
  const targets = new Map(config.targets.map((t) => [t.name, t]));
  const lines = [
    `${config.platform}: ${config.targets.length} target(s), ${config.scenarios.length} scenario(s), ${config.faults.length} fault experiment(s)`,
  ];
  for (const p of config.phases)
    lines.push(
      `phase ${p.name}: ${config.targets
        .filter((t) => t.phase === p.name)
        .map((t) => `${t.name} (${t.kind})`)
        .join(', ')}`,
    );
  for (const s of config.scenarios) lines.push(`scenario ${s.name} (${s.kind})`);
  for (const f of config.faults)
    lines.push(
      `fault ${f.name}: would ${faultType(f.fault.type).describe(f.fault, targets)}; watching ${f.watch.join(', ')} (only with --chaos)`,
    );
  // Fault commands and URLs carry ${VAR} values: the output guard in main.ts masks the secret ones.
  process.stdout.write(`${lines.map((l) => redactUrlsInText(l)).join('\n')}\n`);
  return ExitCode.GO;
}
