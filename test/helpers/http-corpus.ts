import { createServer, type Server, type Socket } from 'node:net';

/**
 * HTTP/1.x servers that each answer one way on purpose, written byte by byte on a raw socket: the
 * framing cases (RFC 9112) a load client must get right. Each counts the requests it received, the
 * independent count a client's numbers are compared with.
 */
export interface Behaviour {
  name: string;
  /** What the client should make of each exchange: a success with this status, or an error. */
  expect: { status: number } | { error: true };
  method?: string;
  /** Answers one request; `n` counts from 1 on this socket. */
  respond(socket: Socket, n: number): void;
}

const ok = (body = 'ok') => `HTTP/1.1 200 OK\r\ncontent-length: ${body.length}\r\n\r\n${body}`;

/** Writes the bytes in pieces, with pauses: a head split across reads. */
function drip(socket: Socket, text: string, size = 3): void {
  let i = 0;
  const next = () => {
    if (socket.destroyed) return;
    socket.write(text.slice(i, i + size));
    i += size;
    if (i < text.length) setTimeout(next, 1);
  };
  next();
}

export const CORPUS: Behaviour[] = [
  { name: 'keep-alive with content-length', expect: { status: 200 }, respond: (s) => s.write(ok()) },
  {
    name: 'chunked, with extensions and trailers',
    expect: { status: 200 },
    respond: (s) =>
      s.write(
        'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2;ext=1\r\nok\r\n3;a=b;c\r\n!!!\r\n0\r\nx-trailer: yes\r\nx-more: 1\r\n\r\n',
      ),
  },
  {
    name: 'chunked, split into single bytes',
    expect: { status: 200 },
    respond: (s) => drip(s, 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n', 1),
  },
  {
    name: 'HTTP/1.0, closes after each answer (python http.server)',
    expect: { status: 200 },
    respond: (s) => s.end('HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6\r\ncontent-length: 2\r\n\r\nok'),
  },
  {
    name: 'HTTP/1.0, body delimited by the close',
    expect: { status: 200 },
    respond: (s) => s.end('HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\nhello, until close'),
  },
  {
    name: 'HTTP/1.0 with keep-alive',
    expect: { status: 200 },
    respond: (s) => s.write('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\ncontent-length: 2\r\n\r\nok'),
  },
  {
    name: 'HTTP/1.1 Connection: close',
    expect: { status: 200 },
    respond: (s) => s.end('HTTP/1.1 200 OK\r\nConnection: close\r\ncontent-length: 2\r\n\r\nok'),
  },
  {
    name: 'HTTP/1.1 body delimited by the close',
    expect: { status: 200 },
    respond: (s) => s.end('HTTP/1.1 200 OK\r\n\r\nuntil the close'),
  },
  { name: '100 Continue, then the answer', expect: { status: 200 }, respond: (s) => s.write(`HTTP/1.1 100 Continue\r\n\r\n${ok()}`) },
  {
    name: '103 Early Hints, apart from the answer',
    expect: { status: 200 },
    respond: (s) => {
      s.write('HTTP/1.1 103 Early Hints\r\nlink: </style.css>; rel=preload\r\n\r\n');
      setTimeout(() => s.destroyed || s.write(ok()), 5);
    },
  },
  {
    name: 'odd header case',
    expect: { status: 200 },
    respond: (s) => s.write('HTTP/1.1 200 OK\r\nCoNtEnT-LeNgTh: 2\r\nCONNECTION: Keep-Alive\r\n\r\nok'),
  },
  { name: 'head split across reads', expect: { status: 200 }, respond: (s) => drip(s, ok('split head'), 4) },
  { name: '204 No Content', expect: { status: 204 }, respond: (s) => s.write('HTTP/1.1 204 No Content\r\nx-a: b\r\n\r\n') },
  {
    name: '304 with a content-length and no body',
    expect: { status: 304 },
    respond: (s) => s.write('HTTP/1.1 304 Not Modified\r\ncontent-length: 1234\r\n\r\n'),
  },
  {
    name: 'HEAD: a content-length and no body',
    method: 'HEAD',
    expect: { status: 200 },
    respond: (s) => s.write('HTTP/1.1 200 OK\r\ncontent-length: 5000\r\n\r\n'),
  },
  {
    name: 'transfer-encoding and content-length together',
    expect: { error: true },
    respond: (s) => s.write('HTTP/1.1 200 OK\r\ncontent-length: 99\r\ntransfer-encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n'),
  },
  {
    name: 'a status line that is not HTTP/1.x DDD',
    expect: { error: true },
    respond: (s) => s.write('HTTP/1.1 2OO OK\r\ncontent-length: 2\r\n\r\nok'),
  },
  { name: 'garbage instead of a status line', expect: { error: true }, respond: (s) => s.write('HELLO THERE\r\n') },
  {
    name: 'a content-length that is not a number',
    expect: { error: true },
    respond: (s) => s.write('HTTP/1.1 200 OK\r\ncontent-length: 2x\r\n\r\nok'),
  },
  {
    name: 'two different content-lengths',
    expect: { error: true },
    respond: (s) => s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\nok!'),
  },
  {
    name: 'a chunk size that is not hex',
    expect: { error: true },
    respond: (s) => s.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nok\r\n0\r\n\r\n'),
  },
  {
    name: 'bytes after a complete answer (content-length too small)',
    expect: { error: true },
    respond: (s) => s.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokEXTRA'),
  },
  {
    name: 'a 500',
    expect: { status: 500 },
    respond: (s) => s.write('HTTP/1.1 500 Internal Server Error\r\ncontent-length: 5\r\n\r\nerror'),
  },
  // Keep-alive by the headers, but the server drops the connection after each answer (an idle timeout
  // of zero): the next request races the close, and must not fail for it.
  {
    name: 'keep-alive answer, then the connection dropped',
    expect: { status: 200 },
    respond: (s) => {
      s.write(ok());
      s.destroySoon();
    },
  },
];

export interface CorpusServer {
  url: string;
  /** Requests received, counted from the request lines the server read. */
  received(): number;
  close(): Promise<void>;
}

/** Reads requests (head, and a content-length body) off each socket, and answers each with the behaviour. */
export async function corpusServer(b: Behaviour): Promise<CorpusServer> {
  let received = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buf = '';
    let n = 0;
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const len = Number(/\r\ncontent-length:\s*(\d+)/i.exec(buf.slice(0, end))?.[1] ?? 0);
        if (buf.length < end + 4 + len) return;
        buf = buf.slice(end + 4 + len);
        received++;
        b.respond(socket, ++n);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`,
    received: () => received,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
