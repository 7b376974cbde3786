import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFactory, type HttpRequestSpec } from '../../src/load/http-connection.js';
import { hangingServer, type TestServer } from '../helpers/hostile.js';

let server: Server;
let base: string;
const seen: { method?: string; url?: string; body: string; headers: Record<string, unknown> }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, body, headers: req.headers });
      if (req.url === '/chunked') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"status":');
        setTimeout(() => res.end('"ok","pad":"' + 'x'.repeat(5000) + '"}'), 5);
      } else if (req.url === '/close') res.writeHead(200, { connection: 'close', 'content-length': '2' }).end('ok');
      else if (req.url === '/empty') res.writeHead(204).end();
      else if (req.url === '/fail') res.writeHead(503, { 'Content-Length': '4' }).end('busy');
      else res.writeHead(200, { 'Content-Length': '15' }).end('{"status":"ok"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(
  () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
);

/** Sends `n` requests one after another on one connection and collects what each call reported. */
function sendMany(spec: Partial<HttpRequestSpec> & { url: string }, n: number): Promise<{ err: Error | null; status: number }[]> {
  const f = httpFactory({ method: 'GET', headers: {}, timeoutMs: 2000, ok: (s) => s < 400, ...spec });
  const conn = f.open();
  const out: { err: Error | null; status: number }[] = [];
  return new Promise((resolve) => {
    const next = () => {
      if (out.length === n) {
        conn.close();
        return resolve(out);
      }
      conn.send((err, status) => {
        out.push({ err, status });
        next();
      });
    };
    next();
  });
}

describe('the raw HTTP/1.1 load connection', () => {
  it('reads content-length, chunked, 204 and connection: close responses, reusing or reopening the socket', async () => {
    for (const path of ['/', '/chunked', '/empty', '/close', '/fail']) {
      const results = await sendMany({ url: `${base}${path}` }, 3);
      expect(results.map((r) => [r.err, r.status])).toEqual(Array(3).fill([null, path === '/empty' ? 204 : path === '/fail' ? 503 : 200]));
    }
  });

  it('sends the method, path, headers and body it was given, with a content-length', async () => {
    seen.length = 0;
    await sendMany(
      { url: `${base}/orders?x=1`, method: 'POST', headers: { 'content-type': 'application/json', 'x-trace': 't1' }, body: '{"qty":100}' },
      2,
    );
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/orders?x=1',
      body: '{"qty":100}',
      headers: { 'x-trace': 't1', 'content-length': '11' },
    });
  });

  it('checks the body when asked, across chunks', async () => {
    const check = (b: Buffer) => (JSON.parse(b.toString()).status === 'ok' ? undefined : 'status is not ok');
    const good = await sendMany({ url: `${base}/chunked`, checkBody: check }, 2);
    expect(good.map((r) => r.err)).toEqual([null, null]);
    const bad = await sendMany({ url: base, checkBody: () => 'body assertion failed: status == down' }, 1);
    expect(bad[0].err?.message).toBe('body assertion failed: status == down');
  });

  it('a server that never answers is a timeout, reported per request', async () => {
    const hang: TestServer = await hangingServer();
    const [r] = await sendMany({ url: hang.url, timeoutMs: 300 }, 1);
    await hang.close();
    expect((r.err as NodeJS.ErrnoException).code).toBe('ETIMEDOUT');
  });

  it('a server that closes before answering is a reset, and the next request reconnects', async () => {
    let n = 0;
    const rude = createNetServer((s) => {
      if (n++ === 0) s.destroy();
      else s.once('data', () => s.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'));
    });
    await new Promise<void>((r) => rude.listen(0, '127.0.0.1', () => r()));
    const results = await sendMany({ url: `http://127.0.0.1:${(rude.address() as { port: number }).port}/` }, 2);
    rude.close();
    expect((results[0].err as NodeJS.ErrnoException).code).toBe('ECONNRESET');
    expect(results[1]).toEqual({ err: null, status: 200 });
  });
});
