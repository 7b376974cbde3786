import { createConnection, createServer, type Socket } from 'node:net';

export interface CuttingProxy {
  port: number;
  /** Connections it has relayed so far. */
  accepted(): number;
  /** Drops every connection it holds, both sides at once, as a network that loses a link does. */
  cut(): number;
  close(): Promise<void>;
}

/**
 * A plain TCP proxy in front of a real server that misbehaves on purpose when told: `cut()` drops every
 * connection through it at that instant. Clients that reconnect come through it again.
 */
export async function cuttingProxy(port: number): Promise<CuttingProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let accepted = 0;
  const server = createServer((client) => {
    accepted++;
    const upstream = createConnection({ port, host: '127.0.0.1' });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    accepted: () => accepted,
    cut() {
      const n = pairs.size;
      for (const [a, b] of [...pairs]) {
        a.destroy();
        b.destroy();
      }
      pairs.clear();
      return n;
    },
    close: () =>
      new Promise((r) => {
        for (const [a, b] of pairs) {
          a.destroy();
          b.destroy();
        }
        server.close(() => r());
      }),
  };
}
