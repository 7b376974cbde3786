import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'undici';
import { probeOne } from '../../src/run/probe-one.js';
import { freePort, waitFor } from '../helpers/ports.js';
import { target } from '../helpers/targets.js';
import { certificateFor, pem } from '../helpers/certs.js';
import { describe, expect, it } from 'vitest';
import { runClosed } from '../../src/load/closed-loop.js';
import { httpFactory } from '../../src/load/http-connection.js';
import { Recorder } from '../../src/load/recorder.js';
import { CORPUS, corpusServer, type Behaviour } from '../helpers/http-corpus.js';

const N = 12;

/**
 * Where the RFC (or the issue) asks more of a client than llhttp does, undici's answer differs, and the
 * test says so rather than taking either side on trust.
 */
const UNDICI_DIFFERS: Record<string, string> = {
  // RFC 9110 §15.2: "A client MUST be able to parse one or more 1xx responses received prior to a final
  // response, even if the client does not expect one." undici refuses an unsolicited 100 ("bad response").
  '100 Continue, then the answer': 'bad response',
  // RFC 9112 §6.3: a 304 "cannot contain a message body", whatever its Content-Length says; undici waits for one.
  '304 with a content-length and no body': 'Response body length does not match content-length',
  // Bytes after a complete response are a protocol error, not silently dropped: undici drops them.
  'bytes after a complete answer (content-length too small)': '200',
  // RFC 9112 §9.3.1: a client may send an idempotent request again when a reused connection closed
  // before any of its answer (the server's idle timeout racing it). undici reports those as errors.
  'keep-alive answer, then the connection dropped': 'other side closed',
};

/** The load client's view: N requests, one connection, back to back. */
async function ours(b: Behaviour, url: string) {
  const factory = httpFactory({ url, method: b.method ?? 'GET', headers: {}, timeoutMs: 2000, ok: () => true });
  const recorder = new Recorder(false);
  await runClosed({ factory, connections: 1, requests: N, recorder });
  const causes = [...recorder.causes.values()].map((c) => (c.sample as Error).message);
  return { requests: recorder.requests, errors: recorder.errors, statuses: Object.fromEntries(recorder.statuses), causes };
}

/** undici's (llhttp's) view of the same server. */
async function theirs(b: Behaviour, url: string) {
  const client = new Client(new URL(url).origin, { headersTimeout: 2000, bodyTimeout: 2000 });
  const tally: Record<string, number> = {};
  for (let i = 0; i < N; i++) {
    try {
      const r = await client.request({ path: '/', method: (b.method ?? 'GET') as 'GET' });
      await r.body.arrayBuffer(); // reading the body, so its framing errors surface
      tally[r.statusCode] = (tally[r.statusCode] ?? 0) + 1;
    } catch (e) {
      const k = (e as Error).message;
      tally[k] = (tally[k] ?? 0) + 1;
    }
  }
  await client.destroy();
  return tally;
}

describe("the load client frames HTTP/1.x as the RFC says: a differential test against the server's count and undici", () => {
  it.each(CORPUS.map((b) => [b.name, b] as const))('%s', async (_name, b) => {
    const server = await corpusServer(b);
    try {
      const mine = await ours(b, server.url);
      // Every request the client counts, the server received, once (a retry on a stale connection is not a second request).
      expect(server.received()).toBe(N);
      expect(mine.requests).toBe(N);
      if ('status' in b.expect) {
        expect(mine).toMatchObject({ errors: 0, statuses: { [b.expect.status]: N } });
      } else {
        expect(mine.errors).toBe(N);
        expect(mine.causes.length).toBeGreaterThan(0);
      }
      const server2 = await corpusServer(b);
      const undici = await theirs(b, server2.url);
      await server2.close();
      const differs = UNDICI_DIFFERS[b.name];
      if (differs) expect(Object.keys(undici).some((k) => k.startsWith(differs))).toBe(true);
      else if ('status' in b.expect) expect(undici).toEqual({ [b.expect.status]: N });
      else expect(Object.keys(undici).every((k) => !/^\d{3}$/.test(k))).toBe(true); // undici errors on each as well
    } finally {
      await server.close();
    }
  });
});

describe('real servers that frame differently', () => {
  it("Python's http.server (HTTP/1.0, closes after each answer): no false errors, and as many requests as its own log shows", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'validate-pyhttp-'));
    writeFileSync(join(dir, 'health'), 'ok');
    const port = await freePort();
    const py = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    py.stderr.on('data', (d) => (log += d));
    try {
      await waitFor('python http.server', async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok);
      log = '';
      const factory = httpFactory({
        url: `http://127.0.0.1:${port}/health`,
        method: 'GET',
        headers: {},
        timeoutMs: 2000,
        ok: (s) => s === 200,
      });
      const recorder = new Recorder(false);
      await runClosed({ factory, connections: 4, requests: 200, recorder });
      await new Promise((r) => setTimeout(r, 100));
      const logged = log.split('\n').filter((l) => l.includes('"GET /health HTTP/1.1" 200')).length;
      expect({ requests: recorder.requests, errors: recorder.errors }).toEqual({ requests: 200, errors: 0 });
      expect(logged).toBe(200);
    } finally {
      py.kill();
    }
  });

  it('plain HTTP to a TLS port says "it speaks TLS: use https://", in a probe and in load', async () => {
    const cert = certificateFor(['DNS:localhost'], 1);
    const server = createHttpsServer({ key: pem(cert.key), cert: pem(cert.cert) }, (_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      const probe = await probeOne(target('http', { url: `http://127.0.0.1:${port}/health` }), 2000);
      expect(probe.error).toMatch(new RegExp(`^it speaks TLS: use https://127\\.0\\.0\\.1:${port} \\(`));
      const factory = httpFactory({ url: `http://127.0.0.1:${port}/`, method: 'GET', headers: {}, timeoutMs: 2000, ok: () => true });
      const recorder = new Recorder(false);
      await runClosed({ factory, connections: 1, requests: 5, recorder });
      await factory.settled?.();
      const causes = [...recorder.causes.values()].map((c) => factory.explain!(c.sample));
      expect(causes.length).toBeGreaterThan(0);
      for (const c of causes) expect(c).toMatch(/^it speaks TLS: use https:\/\//);
    } finally {
      server.close();
    }
  });
});
