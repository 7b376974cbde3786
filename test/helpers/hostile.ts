import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';

/**
 * Servers that misbehave on purpose, over real sockets: the cases a real service shows rarely and a
 * mocked client never shows.
 */
export interface TestServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

function track(server: Server | HttpServer): () => Promise<void> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

async function listen(server: Server | HttpServer, scheme = 'http'): Promise<TestServer> {
  const close = track(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return { url: `${scheme}://127.0.0.1:${port}`, port, close };
}

/** A health endpoint answering like an engine. */
export function engineServer(status = 200, body: unknown = { status: 'healthy', version: '1.0.0' }): Promise<TestServer> {
  return listen(createHttpServer((_req, res) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))));
}

/** Accepts connections and never says a word. */
export function hangingServer(): Promise<TestServer> {
  return listen(createServer(() => undefined));
}

/** Sends headers, then one byte of body every `everyMs`, forever. */
export function drippingServer(everyMs = 200): Promise<TestServer> {
  return listen(
    createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const t = setInterval(() => res.write('.'), everyMs);
      res.on('close', () => clearInterval(t));
    }),
  );
}

/** Answers with a body of `bytes` bytes (streamed, so the server itself stays small). */
export function hugeBodyServer(bytes = 50 * 1024 * 1024): Promise<TestServer> {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  return listen(
    createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(bytes) });
      let sent = 0;
      const pump = () => {
        while (sent < bytes) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('error', () => undefined);
      pump();
    }),
  );
}

/** Speaks something that is not HTTP (an SMTP-like greeting), then closes. */
export function notHttpServer(): Promise<TestServer> {
  return listen(createServer((s) => s.end('220 mail.example ESMTP ready\r\n')));
}

/** Answers every request after `delay.ms` (changeable while it runs): a target whose speed a test controls. */
export async function delayedServer(delay: { ms: number }): Promise<TestServer> {
  return listen(
    createHttpServer((req, res) => {
      req.resume();
      setTimeout(() => res.writeHead(200, { 'content-length': '2' }).end('ok'), delay.ms);
    }),
  );
}

/** Starts an answer and then sends headers forever. */
export function endlessHeadersServer(): Promise<TestServer> {
  return listen(
    createServer((s) => {
      s.on('error', () => undefined);
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\n');
        const t = setInterval(() => (s.destroyed ? clearInterval(t) : s.write(`x-junk: ${'a'.repeat(1000)}\r\n`)), 1);
      });
    }),
  );
}

/** Promises a 100-byte body, sends 5 bytes, closes. */
export function shortBodyServer(): Promise<TestServer> {
  return listen(
    createServer((s) => {
      s.on('error', () => undefined);
      s.once('data', () => s.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nshort'));
    }),
  );
}
