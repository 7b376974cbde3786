import { UsageError } from '../errors.js';
import { parseShard, type Shard } from '../load/shard.js';

export interface ShardFlags {
  shard?: string;
  shards?: number;
  startAt?: string;
  shardProbes?: string;
}

/** How far ahead --start-at may be: a typo in the date should not park the run for a year. */
const MAX_LEAD_MS = 24 * 3600_000;

/**
 * This process's shard: `--shard i/n`, or a Kubernetes Indexed Job's JOB_COMPLETION_INDEX (0-based)
 * with the total from --shards or VALIDATE_SHARDS.
 */
export function resolveShard(flags: ShardFlags, env: NodeJS.ProcessEnv = process.env): Shard | undefined {
  if (flags.shard !== undefined) {
    const s = parseShard(flags.shard);
    if (typeof s === 'string') throw new UsageError(`--shard: ${s}`);
    if (flags.shards !== undefined && flags.shards !== s.total)
      throw new UsageError(`--shard ${flags.shard} and --shards ${flags.shards} disagree on the number of shards`);
    return s;
  }
  const total = flags.shards ?? (env.VALIDATE_SHARDS ? Number(env.VALIDATE_SHARDS) : undefined);
  const index = env.JOB_COMPLETION_INDEX;
  if (index === undefined) {
    if (flags.shards !== undefined)
      throw new UsageError(
        "--shards needs this process's index: give --shard i/n, or run as a Kubernetes Indexed Job (JOB_COMPLETION_INDEX)",
      );
    return undefined;
  }
  if (total === undefined || !Number.isInteger(total) || total < 1) {
    throw new UsageError(
      `JOB_COMPLETION_INDEX is set (${index}: a Kubernetes Indexed Job) but not how many shards there are: give --shards N or set VALIDATE_SHARDS`,
    );
  }
  const s = parseShard(`${Number(index) + 1}/${total}`);
  if (typeof s === 'string') throw new UsageError(`JOB_COMPLETION_INDEX=${index} with ${total} shards: ${s}`);
  return s;
}

/** `--start-at 2026-11-26T10:00:00Z` as a performance.now() time, the clock the schedules run on. */
export function resolveStartAt(flags: ShardFlags, now = Date.now()): { perf: number; iso: string } | undefined {
  if (flags.startAt === undefined) return undefined;
  const at = Date.parse(flags.startAt);
  if (Number.isNaN(at)) throw new UsageError(`--start-at "${flags.startAt}": expected an ISO time, e.g. 2026-11-26T10:00:00Z`);
  if (at - now > MAX_LEAD_MS) throw new UsageError(`--start-at ${flags.startAt} is more than a day away; is the date right?`);
  return { perf: performance.now() + (at - now), iso: new Date(at).toISOString() };
}

/** `--workers` is its own sharding: not with --shard (or a Kubernetes index), and not with --wait. */
export function checkWorkers(workers: number | undefined, other: { shard?: string; wait?: number }): number | undefined {
  if (workers === undefined || workers === 1) return undefined;
  if (other.shard !== undefined || process.env.JOB_COMPLETION_INDEX !== undefined)
    throw new UsageError('--workers runs the shards itself in this process: give --workers or --shard (or a Kubernetes index), not both');
  if (other.wait !== undefined)
    throw new UsageError('--wait cannot go with --workers: wait for the targets first (validate probe --wait), then run');
  return workers;
}

/** Which shards probe the targets: the first (default; probes and faults must happen once), or every one. */
export function probesOnEveryShard(flags: ShardFlags): boolean {
  if (flags.shardProbes === undefined || flags.shardProbes === 'first') return false;
  if (flags.shardProbes === 'every') return true;
  throw new UsageError(`--shard-probes "${flags.shardProbes}": expected first or every`);
}
