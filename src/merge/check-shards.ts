import type { Config } from '../config/config.js';
import { configHash } from '../config/hash.js';
import { UsageError } from '../errors.js';
import type { Report } from '../reports/model.js';
import { decodeHistogram } from '../results/histogram.js';

export interface ShardFile {
  file: string;
  report: Report;
}

/**
 * The shards of one run, checked before anything is merged: all shard reports, of one load (config
 * hash), of one start (--start-at), of one tool version, that ran side by side, none twice, each with
 * histograms that decode. Anything else is refused naming the files and why: merging it would add up
 * runs that never happened together. What is missing is said, not guessed.
 */
export function checkShards(files: ShardFile[], config: Config | undefined): { total: number; missing: number[] } {
  const notShard = files.filter((f) => !f.report.shard);
  if (notShard.length)
    throw new UsageError(
      `not a shard report (no "shard" field): ${notShard.map((f) => f.file).join(', ')}; shard reports come from validate run/load --shard i/n`,
    );
  const hash = same(
    files,
    (r) => r.shard!.configHash,
    (groups) =>
      `the reports are shards of different loads (targets, scenarios or faults differ): ${groups.map(([h, fs]) => `${fs} (config ${h})`).join(' vs ')}`,
  );
  if (config && configHash(config) !== hash)
    throw new UsageError(
      `--config ${config.source} is not the load the shards ran (config ${configHash(config)}, the shards' ${hash}): its targets, scenarios, faults or generator limits differ`,
    );
  same(
    files,
    (r) => r.shard!.startAt ?? 'none',
    (groups) =>
      `the reports are shards of different runs: they were given different common starts (--start-at): ${groups.map(([at, fs]) => `${fs} (${at === 'none' ? 'no --start-at' : at})`).join(' vs ')}`,
  );
  same(
    files,
    (r) => r.tool.version,
    (groups) =>
      `the reports were written by different versions of validate, whose numbers may not add up: ${groups.map(([v, fs]) => `${fs} (${v})`).join(' vs ')}; run every shard with one version`,
  );
  sideBySide(files);
  const total = Number(
    same(
      files,
      (r) => String(r.shard!.total),
      () =>
        `the shard reports disagree on the number of shards: ${files.map((f) => `${f.file} says ${f.report.shard!.index}/${f.report.shard!.total}`).join(', ')}`,
    ),
  );
  const seen = new Map<number, string>();
  for (const f of files) {
    const i = f.report.shard!.index;
    if (seen.has(i)) throw new UsageError(`shard ${i}/${total} given twice: ${seen.get(i)} and ${f.file}`);
    seen.set(i, f.file);
  }
  for (const f of files) checkHistograms(f);
  const missing = Array.from({ length: total }, (_, k) => k + 1).filter((i) => !seen.has(i));
  return { total, missing };
}

/** The one value every shard has for `key`, or a usage error listing the groups that differ. */
function same(files: ShardFile[], key: (r: Report) => string, why: (groups: [string, string][]) => string): string {
  const groups = new Map<string, string[]>();
  for (const f of files) groups.set(key(f.report), [...(groups.get(key(f.report)) ?? []), f.file]);
  if (groups.size > 1) throw new UsageError(why([...groups].map(([k, fs]) => [k, fs.join(', ')])));
  return [...groups.keys()][0];
}

/**
 * Shards of one run loaded at the same time: some instant lies inside every shard's run. Shards run
 * minutes apart are two runs, whose rates would add up to a load that never was.
 */
function sideBySide(files: ShardFile[]): void {
  const spans = files.map((f) => ({ file: f.file, from: Date.parse(f.report.startedAt), to: Date.parse(f.report.finishedAt) }));
  const latestStart = spans.reduce((a, b) => (b.from > a.from ? b : a));
  const earliestEnd = spans.reduce((a, b) => (b.to < a.to ? b : a));
  if (latestStart.from > earliestEnd.to) {
    throw new UsageError(
      `the reports are not shards of one run: ${earliestEnd.file} ended (${new Date(earliestEnd.to).toISOString()}) before ${latestStart.file} started (${new Date(latestStart.from).toISOString()}); shards of one run load side by side (start them together, e.g. with --start-at)`,
    );
  }
}

/** Every load result carries its histograms, and they decode: a merge adds them, exactly. */
function checkHistograms(f: ShardFile): void {
  for (const s of f.report.scenarios ?? []) {
    for (const r of [s, ...(s.endpoints ?? [])]) {
      const encoded = [r.histograms?.latency, r.histograms?.uncorrected, ...(r.windows ?? []).map((w) => w.histogram)];
      if (!r.histograms?.latency)
        throw new UsageError(
          `${f.file}: load result "${r.name}" has no latency histogram: it cannot be merged exactly; use the shard's JSON report as validate wrote it`,
        );
      for (const e of encoded) {
        if (e === undefined) continue;
        try {
          decodeHistogram(e);
        } catch (err) {
          throw new UsageError(
            `${f.file}: load result "${r.name}" has a corrupt histogram (${(err as Error).message}): the file was changed after validate wrote it`,
          );
        }
      }
    }
  }
}
