import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a real Redis that misbehaves on purpose, as a bus on a bad day does: it
 * delivers some pub/sub messages twice (those whose payload starts with a sequence number `duplicate`
 * picks), and counts every message it delivered and every duplicate it added; with `hold`, chosen
 * connections are held a while before they reach Redis. Commands go to Redis
 * untouched; only what Redis pushes to subscribers is read, frame by frame (RESP2).
 */
export interface DuplicatingProxy {
  url: string;
  /** Messages it passed to subscribers (duplicates included) and the duplicates it added. */
  counts: { delivered: number; duplicated: number };
  close(): Promise<void>;
}

export async function duplicatingProxy(
  redisPort: number,
  duplicate: (seq: number) => boolean,
  opts: { hold?: (firstBytes: string) => number } = {},
): Promise<DuplicatingProxy> {
  const counts = { delivered: 0, duplicated: 0 };
  const sockets = new Set<Socket>();
  // `hold`: how long a connection waits before it reaches Redis, from what its client sent first (ioredis
  // names itself first: CLIENT SETNAME), as some clients meet a slow network or a far broker.
  const server: Server = createServer((client) => {
    if (!opts.hold) return relay(client, Buffer.alloc(0));
    client.once('data', (first: Buffer) => {
      client.pause();
      setTimeout(() => relay(client, first), opts.hold!(first.toString('latin1')));
    });
  });
  function relay(client: Socket, first: Buffer) {
    if (client.destroyed) return;
    const upstream = createConnection({ host: '127.0.0.1', port: redisPort });
    sockets.add(client).add(upstream);
    if (first.length) upstream.write(first);
    client.pipe(upstream);
    let pending = Buffer.alloc(0);
    upstream.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      let at = 0;
      for (;;) {
        const end = frameEnd(pending, at);
        if (end < 0) break;
        const frame = pending.subarray(at, end);
        const seq = messageSeq(frame);
        client.write(frame);
        if (seq !== undefined) {
          counts.delivered++;
          if (duplicate(seq)) {
            client.write(frame);
            counts.delivered++;
            counts.duplicated++;
          }
        }
        at = end;
      }
      pending = pending.subarray(at);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `redis://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Where the RESP value starting at `i` ends, or -1 while it is incomplete. */
function frameEnd(b: Buffer, i: number): number {
  if (i >= b.length) return -1;
  const eol = b.indexOf('\r\n', i);
  if (eol < 0) return -1;
  const type = String.fromCharCode(b[i]);
  if (type === '+' || type === '-' || type === ':') return eol + 2;
  const n = Number(b.toString('latin1', i + 1, eol));
  if (type === '$') return n < 0 ? eol + 2 : eol + 2 + n + 2 <= b.length ? eol + 2 + n + 2 : -1;
  if (type === '*') {
    let at = eol + 2;
    for (let k = 0; k < n; k++) {
      at = frameEnd(b, at);
      if (at < 0) return -1;
    }
    return at;
  }
  throw new Error(`not RESP: ${JSON.stringify(b.toString('latin1', i, i + 20))}`);
}

/** The sequence number a pub/sub `message` push carries at the start of its payload, if it is one. */
function messageSeq(frame: Buffer): number | undefined {
  const head = '*3\r\n$7\r\nmessage\r\n';
  if (frame.toString('latin1', 0, head.length) !== head) return undefined;
  const channelEnd = frameEnd(frame, head.length);
  const payloadStart = frame.indexOf('\r\n', channelEnd) + 2;
  return Number.parseInt(frame.toString('latin1', payloadStart, payloadStart + 24), 10);
}
