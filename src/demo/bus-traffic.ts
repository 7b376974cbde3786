import type { Redis } from 'ioredis';
import { commonJs } from '../common-js.js';

/** The demo's market data channel and order stream, as its engines use them. */
export const DEMO_QUOTES = 'md:quotes';
export const DEMO_ORDERS = 'demo:orders';
export const DEMO_ORDERS_GROUP = 'risk-engine';

const RECONNECT_MS = 100;

/**
 * What the simulated engines do on the Redis bus, so the bus checks have traffic to see: the market
 * data engine publishes quotes (50 a second) that strategy and risk subscribe to, and portfolio writes
 * orders to a stream that risk reads and acknowledges as a consumer group. Every connection is named
 * demo-*, so the bus fault cuts them (and only them) on a shared Redis.
 */
export async function startBusTraffic(url: string): Promise<{ close(): void }> {
  const { Redis } = commonJs(await import('ioredis'));
  const client = (name: string) => {
    const c = new Redis(url, { connectionName: name, maxRetriesPerRequest: null, retryStrategy: () => RECONNECT_MS });
    c.on('error', () => undefined);
    return c;
  };
  const feed = client('demo-marketdata-feed');
  const subscribers = [client('demo-strategy-quotes'), client('demo-risk-quotes')];
  const orders = client('demo-portfolio-orders');
  const reader = client('demo-risk-orders');
  await Promise.all(subscribers.map((s) => s.subscribe(DEMO_QUOTES)));
  await orders.xgroup('CREATE', DEMO_ORDERS, DEMO_ORDERS_GROUP, '$', 'MKSTREAM').catch(() => undefined); // BUSYGROUP: already there
  let seq = 0;
  const quotes = setInterval(
    () => void feed.publish(DEMO_QUOTES, JSON.stringify({ symbol: 'AAPL', price: 190 + (seq++ % 100) / 100 })).catch(() => undefined),
    20,
  );
  const writes = setInterval(
    () => void orders.xadd(DEMO_ORDERS, 'MAXLEN', '~', '1000', '*', 'order', `ord-${seq}`).catch(() => undefined),
    100,
  );
  let running = true;
  void (async () => {
    while (running) {
      const reply = (await reader
        .xreadgroup('GROUP', DEMO_ORDERS_GROUP, 'risk-1', 'COUNT', 100, 'BLOCK', 200, 'STREAMS', DEMO_ORDERS, '>')
        .catch(() => null)) as [string, [string, string[]][]][] | null;
      const ids = reply?.[0]?.[1].map(([id]) => id) ?? [];
      if (ids.length) await reader.xack(DEMO_ORDERS, DEMO_ORDERS_GROUP, ...ids).catch(() => undefined);
    }
  })();
  return {
    close() {
      running = false;
      clearInterval(quotes);
      clearInterval(writes);
      for (const c of [feed, ...subscribers, orders, reader] as Redis[]) c.disconnect();
    },
  };
}
