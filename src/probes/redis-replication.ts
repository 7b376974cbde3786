import type { Redis } from 'ioredis';
import { num, parseInfo } from '../protocols/redis-info.js';

/** What a replica's replication state says: a lag in bytes and seconds, or why it cannot be known. */
/** `broken`: the lag is unknown because replication itself is broken (a criterion on it is NOT MET), not because the probe could not ask. */
export type ReplicaLag = { bytes: number; seconds: number } | { unknown: string; broken?: boolean };

export interface LagOptions {
  /** The replica's own URL: the primary is reached with the same credentials. */
  url: string;
  /** How long to wait for the replica to reach the primary's offset. */
  budgetMs: number;
  signal: AbortSignal;
  connect(url: string): Promise<Redis>;
}

/**
 * A replica's lag, measured rather than guessed: read the primary's replication offset, then time how
 * long the replica takes to have processed that much (0 when it already has). `master_last_io_seconds_ago`
 * is not a lag (it cycles with the primary's pings), so it is never used; a link that is down, or a sync
 * that never finished, is an unknown lag with its reason.
 */
export async function replicaLag(replica: Redis, info: Map<string, string>, o: LagOptions): Promise<ReplicaLag> {
  const host = info.get('master_host');
  const port = info.get('master_port');
  if (info.get('master_link_status') !== 'up') {
    const down = num(info, 'master_link_down_since_seconds');
    return {
      unknown: `the replication link to ${host}:${port} is down${down !== undefined && down >= 0 ? ` (for ${down} s)` : ' (it never synced)'}`,
      broken: true,
    };
  }
  if (info.get('master_sync_in_progress') === '1')
    return { unknown: `the initial sync from ${host}:${port} is still in progress`, broken: true };
  const primaryUrl = new URL(o.url);
  primaryUrl.hostname = host ?? primaryUrl.hostname;
  primaryUrl.port = port ?? primaryUrl.port;
  let primary: Redis | undefined;
  try {
    primary = await o.connect(primaryUrl.toString());
    const target = num(parseInfo(await primary.info('replication')), 'master_repl_offset');
    if (target === undefined) return { unknown: `the primary at ${host}:${port} reports no replication offset` };
    const t0 = performance.now();
    let offset = num(parseInfo(await replica.info('replication')), 'slave_repl_offset') ?? 0;
    const bytes = Math.max(0, target - offset);
    while (offset < target) {
      if (performance.now() - t0 > o.budgetMs || o.signal.aborted) {
        return {
          unknown: `the replica did not reach the primary's offset within ${Math.round(o.budgetMs)} ms (${target - offset} bytes behind)`,
          broken: true,
        };
      }
      await new Promise((r) => setTimeout(r, 10));
      offset = num(parseInfo(await replica.info('replication')), 'slave_repl_offset') ?? 0;
    }
    return { bytes, seconds: bytes === 0 ? 0 : (performance.now() - t0) / 1000 };
  } catch (err) {
    if (o.signal.aborted) throw err;
    return {
      unknown: `cannot reach the primary at ${host}:${port} to compare replication offsets (${(err as Error).message.split('\n')[0]})`,
    };
  } finally {
    primary?.disconnect();
  }
}
