/**
 * What in a scenario changes the platform's data, so measuring it again would do it twice (an INCR
 * counted twice, an order placed twice): such a scenario is re-run after an INVALID attempt only when
 * its config says `retry: true`. Each check errs towards "changes data": a wrong "no" repeats writes.
 */

/** Methods RFC 9110 calls safe: a request with one changes nothing on the server. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function httpChanges(method: string | undefined): string | undefined {
  const m = (method ?? 'GET').toUpperCase();
  return SAFE_METHODS.has(m) ? undefined : m;
}

/** Redis commands that only read (and the connection-level ones): anything else may write. */
const REDIS_READS = new Set(
  (
    'GET MGET GETRANGE STRLEN EXISTS TTL PTTL TYPE KEYS SCAN DBSIZE RANDOMKEY PING ECHO TIME INFO ' +
    'HGET HMGET HGETALL HLEN HKEYS HVALS HEXISTS HSTRLEN HSCAN LRANGE LLEN LINDEX LPOS ' +
    'SMEMBERS SISMEMBER SMISMEMBER SCARD SRANDMEMBER SSCAN SINTER SUNION SDIFF ' +
    'ZRANGE ZRANGEBYSCORE ZRANGEBYLEX ZREVRANGE ZREVRANGEBYSCORE ZSCORE ZMSCORE ZCARD ZCOUNT ZRANK ZREVRANK ZSCAN ' +
    'XRANGE XREVRANGE XLEN XINFO XPENDING BITCOUNT BITPOS GETBIT PFCOUNT GEOPOS GEODIST GEOHASH GEOSEARCH'
  ).split(' '),
);

export function redisChanges(command: string[] | undefined): string | undefined {
  const name = (command?.[0] ?? '').toUpperCase();
  return REDIS_READS.has(name) ? undefined : name || 'a command';
}

/** A statement that reads: it starts as a query does and names nothing that writes. */
const SQL_READ = /^\s*(select|show|explain|values|table|with)\b/i;
const SQL_WRITE =
  /\b(insert|update|delete|merge|truncate|create|drop|alter|grant|revoke|call|do|copy|lock|nextval|setval|for\s+update|for\s+share)\b/i;

export function sqlChanges(query: string | undefined): string | undefined {
  const q = query ?? '';
  if (SQL_READ.test(q) && !SQL_WRITE.test(q)) return undefined;
  return q.trim().split(/\s+/)[0]?.toUpperCase() || 'a statement';
}

/** A scenario of one HTTP request: what its method changes, named by the scenario. */
export function requestChanges(s: { name: string; method?: string }): string[] {
  const m = httpChanges(s.method);
  return m ? [`${s.name}: ${m}`] : [];
}
