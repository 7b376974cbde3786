/**
 * One process's slice of a run that several processes (or worker threads) share: shard `index` of
 * `total`, 1-based. The slices are exact: together they are the run one process would make.
 */
export interface Shard {
  index: number;
  total: number;
}

/** A shard that starts its schedule later than this after the common start has results that are not the asked ones. */
export const MAX_START_LATE_MS = 1000;

/** A count split across shards, the remainder to the first ones: 10 over 4 is 3, 3, 2, 2. */
export function shareOf(count: number, shard: Shard | undefined): number {
  if (!shard) return count;
  return Math.floor(count / shard.total) + (shard.index <= count % shard.total ? 1 : 0);
}

/** The arrivals a schedule's i-th element means: its own index, or (sharded) its place in the global one. */
export interface ScheduleLike {
  readonly total: number;
  readonly durationMs: number;
  /** Milliseconds after the start at which arrival `i` of this schedule is due. */
  timeOf(i: number): number;
  /** Arrival `i`'s index in the whole schedule (a mix's lane depends on it, so the shards' union is the whole). */
  indexOf(i: number): number;
}

/**
 * Arrivals index-1, index-1+total, index-1+2*total, ... of a schedule: every shard's due times are the
 * global schedule's own, so the union over the shards is exactly the schedule one process would run.
 */
export function shardSchedule(base: ScheduleLike, shard: Shard | undefined): ScheduleLike {
  if (!shard || shard.total === 1) return base;
  const first = shard.index - 1;
  const total = base.total > first ? Math.ceil((base.total - first) / shard.total) : 0;
  return {
    total,
    durationMs: base.durationMs,
    timeOf: (i) => base.timeOf(first + i * shard.total),
    indexOf: (i) => first + i * shard.total,
  };
}

/** `3/4`: shard 3 of 4. */
export function parseShard(text: string): Shard | string {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return `expected i/n, e.g. 2/4, found "${text}"`;
  const [index, total] = [Number(m[1]), Number(m[2])];
  if (total < 1 || index < 1 || index > total) return `shard ${text}: the index goes from 1 to the total (${total || 'at least 1'})`;
  if (total > 10_000) return `shard ${text}: more than 10,000 shards`;
  return { index, total };
}
