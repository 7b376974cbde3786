// A small engine for fault tests: healthy only while its Redis and PostgreSQL connections work; it
// reconnects after RECONNECT_MS, and records (epoch ms) when it became ready in READY_FILE.
// Usage: node engine-process.mjs PORT REDIS_URL PG_URL RECONNECT_MS READY_FILE APP_NAME
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../package.json', import.meta.url));
const { Redis } = require('ioredis');
const pg = require('pg');
const [port, redisUrl, pgUrl, reconnectMs, readyFile, appName] = process.argv.slice(2);
const delay = Number(reconnectMs);
let redisUp = false;
let pgUp = false;
let wasReady = false;
const mark = () => {
  const ready = redisUp && pgUp;
  if (ready && !wasReady) appendFileSync(readyFile, `${Date.now()}\n`);
  wasReady = ready;
};

const redis = new Redis(redisUrl, {
  connectionName: appName,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  retryStrategy: () => delay,
});
redis.on('ready', () => {
  redisUp = true;
  mark();
});
redis.on('close', () => {
  redisUp = false;
  mark();
});
redis.on('error', () => undefined);

let db;
function connectDb() {
  const c = new pg.Client({ connectionString: pgUrl, application_name: appName });
  c.on('error', () => undefined);
  c.on('end', () => {
    pgUp = false;
    mark();
    setTimeout(connectDb, delay);
  });
  c.connect().then(
    () => {
      db = c;
      pgUp = true;
      mark();
    },
    () => setTimeout(connectDb, delay),
  );
}
connectDb();

createServer(async (req, res) => {
  let ok = redisUp && pgUp;
  if (ok) {
    try {
      await Promise.all([redis.ping(), db.query('SELECT 1')]);
    } catch {
      ok = false;
    }
  }
  res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ok ? 'healthy' : 'degraded' }));
}).listen(Number(port), '127.0.0.1');
