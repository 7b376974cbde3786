import type { Redis } from 'ioredis';
import type { Measurement, MetricSpec } from '../results/measurement.js';
import { num } from '../protocols/redis-info.js';

export const REDIS_PERSISTENCE_METRICS: Record<string, MetricSpec> = {
  // 1 when snapshots are scheduled (`CONFIG GET save` is not empty).
  rdb_enabled: { unit: 'count', aggregate: 'min', label: 'RDB snapshots on', flag: true },
  aof_enabled: { unit: 'count', aggregate: 'min', label: 'AOF on', flag: true },
  // 1 when either keeps the data across a restart: what "data persistence confirmed" asks.
  persistence_enabled: {
    unit: 'count',
    aggregate: 'min',
    label: 'persistence on',
    flag: true,
    evidence: { requirement: 'backups', words: 'Redis persistence' },
  },
  // Since the last successful RDB save (or, with none since it started, since the server started).
  rdb_last_save_age_s: {
    unit: 'seconds',
    aggregate: 'max',
    label: 'last RDB save age',
    evidence: { requirement: 'backups', words: 'oldest RDB save', worst: 'max', unit: 's' },
  },
  // Writes a crash would lose without AOF.
  rdb_changes_since_last_save: { unit: 'count', aggregate: 'sum', label: 'changes since last save' },
};

export interface PersistenceReading {
  measurements: Measurement[];
  unmeasured: Record<string, string>;
  details: Record<string, string>;
}

/**
 * Whether the data survives a restart, from INFO persistence and the save schedule. Ages are taken on the
 * server's clock (`server_time_usec`, Redis 7+) so a skewed client clock cannot make a stale save look fresh.
 */
export async function readPersistence(client: Redis, info: Map<string, string>): Promise<PersistenceReading> {
  const out: PersistenceReading = { measurements: [], unmeasured: {}, details: {} };
  const put = (metric: string, value: number | undefined) => {
    if (value !== undefined && Number.isFinite(value))
      out.measurements.push({ metric, value, unit: REDIS_PERSISTENCE_METRICS[metric].unit });
  };
  const aof = num(info, 'aof_enabled');
  put('aof_enabled', aof);
  const rdb = await saveSchedule(client);
  if (typeof rdb === 'string') out.unmeasured.rdb_enabled = rdb;
  else put('rdb_enabled', rdb ? 1 : 0);
  if (aof === 1 || rdb === true) put('persistence_enabled', 1);
  else if (aof === 0 && rdb === false) put('persistence_enabled', 0);
  else out.unmeasured.persistence_enabled = typeof rdb === 'string' ? rdb : 'INFO persistence has no aof_enabled';
  const nowS = (num(info, 'server_time_usec') ?? Date.now() * 1000) / 1e6;
  const saved = num(info, 'rdb_last_save_time');
  if (saved !== undefined) put('rdb_last_save_age_s', Math.max(0, nowS - saved));
  put('rdb_changes_since_last_save', num(info, 'rdb_changes_since_last_save'));
  out.details.persistence =
    [rdb === true && 'rdb', aof === 1 && 'aof'].filter(Boolean).join('+') || (typeof rdb === 'string' ? 'unknown' : 'none');
  return out;
}

/** True when RDB snapshots are scheduled; a sentence when the server will not say (CONFIG renamed or denied by an ACL). */
async function saveSchedule(client: Redis): Promise<boolean | string> {
  try {
    const reply = (await client.config('GET', 'save')) as string[];
    return Boolean(reply[1]?.trim());
  } catch (err) {
    return `CONFIG GET save was refused (${String((err as Error).message).split('\n')[0]}): whether RDB snapshots are scheduled is unknown`;
  }
}
