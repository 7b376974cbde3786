import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { endpointOf } from '../protocols/network-errors.js';
import { explainRedis, quietPasswordNotice } from '../protocols/redis.js';
import { seqOf, type BusEndpoint, type BusTransport } from './bus-transport.js';
import { commonJs } from '../common-js.js';

/**
 * Clients the way a service on a bus runs them: they reconnect at once, and the subscriber subscribes
 * again (ioredis's autoResubscribe). What a cut costs is then what the bus loses, not what the tool gave up.
 */
async function client(bus: BusEndpoint, name: string, timeoutMs: number): Promise<Redis> {
  const { Redis } = commonJs(await import('ioredis'));
  quietPasswordNotice();
  const c = new Redis(bus.url, {
    connectionName: name,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: null,
    retryStrategy: () => 20,
    enableReadyCheck: false,
    lazyConnect: true,
    ...(bus.url.startsWith('rediss:') && { tls: { rejectUnauthorized: bus.tlsVerify } }),
  });
  c.on('error', () => undefined); // a publish that fails says so itself; a cut is what is being measured
  await c.connect();
  return c;
}

/** Redis pub/sub: PUBLISH on one connection, SUBSCRIBE on another. A message nobody is subscribed to is gone. */
export function redisPubSub(bus: BusEndpoint, channel: string, timeoutMs: number, name: string): BusTransport {
  let pub: Redis | undefined;
  let sub: Redis | undefined;
  let receive: (seq: number) => void = () => undefined;
  const at = endpointOf(bus.url, 6379);
  return {
    async open() {
      [pub, sub] = await Promise.all([client(bus, `${name}-publisher`, timeoutMs), client(bus, `${name}-subscriber`, timeoutMs)]);
      sub.on('messageBuffer', (_ch: Buffer, message: Buffer) => receive(seqOf(message)));
      await sub.subscribe(channel);
    },
    publish: (_seq, payload) => pub!.publish(channel, payload).then(() => undefined),
    onDelivery: (r) => void (receive = r),
    async close() {
      pub?.disconnect();
      sub?.disconnect();
    },
    explain: (err) => explainRedis(err, at),
  };
}

/**
 * Redis streams: XADD on one connection; a consumer group of its own reads (XREADGROUP, blocking) and
 * acknowledges on another. An entry added while the reader is cut off waits in the stream: a stream loses
 * nothing a subscriber missed. A stream the run created is deleted after; in one that existed, only
 * the run's consumer group is removed, and the report says how many test entries stay.
 */
export function redisStream(bus: BusEndpoint, key: string, timeoutMs: number, name: string): BusTransport {
  let producer: Redis | undefined;
  let reader: Redis | undefined;
  let receive: (seq: number) => void = () => undefined;
  let reading = false;
  let existed = false;
  let added = 0;
  const group = `validate-${randomBytes(4).toString('hex')}`;
  const at = endpointOf(bus.url, 6379);
  // After a cut, the consumer reads its own pending entries first (ID 0), as a real one must: an entry the
  // group handed out in a read whose reply the cut lost is never handed out again by '>'. ioredis resends
  // that read on the new connection without an error, so the reconnect itself is the signal.
  let from: '0' | '>' = '>';
  const readLoop = async () => {
    while (reading) {
      const id = from;
      try {
        const reply = (await reader!.xreadgroup('GROUP', group, 'validate', 'COUNT', 1000, 'BLOCK', 100, 'STREAMS', key, id)) as
          [string, [string, string[]][]][] | null;
        const entries = reply?.[0]?.[1] ?? [];
        if (entries.length === 0 && id === '0') from = '>'; // nothing of ours pending any more
        if (entries.length === 0) continue;
        for (const [, fields] of entries) receive(seqOf(fields[1]));
        await reader!.xack(key, group, ...entries.map(([entry]) => entry));
      } catch {
        // Cut off: the client reconnects, and the group still holds every entry not yet acknowledged.
        from = '0';
        if (reading) await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  return {
    async open() {
      [producer, reader] = await Promise.all([client(bus, `${name}-producer`, timeoutMs), client(bus, `${name}-consumer`, timeoutMs)]);
      reader.on('ready', () => void (from = '0'));
      existed = (await producer.exists(key)) === 1;
      await producer.xgroup('CREATE', key, group, '$', 'MKSTREAM');
      reading = true;
      void readLoop();
    },
    publish: (_seq, payload) =>
      producer!.xadd(key, '*', 'm', payload).then(() => {
        added++;
      }),
    onDelivery: (r) => void (receive = r),
    async close() {
      reading = false;
      try {
        if (existed) await producer?.xgroup('DESTROY', key, group);
        else await producer?.del(key);
      } finally {
        producer?.disconnect();
        reader?.disconnect();
      }
    },
    explain: (err) => explainRedis(err, at),
    leftBehind: () =>
      existed && added
        ? `${added.toLocaleString('en-US')} test entries stay in stream ${key} (it existed before the run; its consumer group ${group} was removed)`
        : undefined,
  };
}
