import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { runCli, whyNot } from '../helpers/cli.js';
import { hangingServer, type TestServer } from '../helpers/hostile.js';
import { probeOne } from '../../src/run/probe-one.js';
import { target } from '../helpers/targets.js';

/**
 * Real WebSocket servers (the ws package) on free ports: one that answers, one that refuses the
 * upgrade, one that never answers pings; a plain HTTP server; and a TCP server that never speaks.
 * Each server counts what it saw, which is what the scenario's numbers are checked against.
 */
interface WsServer {
  url: string;
  http: Server;
  wss: WebSocketServer;
  seen: { connections: number; messages: number };
  sockets: Set<WebSocket>;
}

async function wsServer(o: { autoPong?: boolean; refuse?: number; answer?: (n: number) => boolean } = {}): Promise<WsServer> {
  const http = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('plain HTTP'));
  const seen = { connections: 0, messages: 0 };
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({
    server: http,
    autoPong: o.autoPong ?? true,
    verifyClient: o.refuse ? (_info, cb) => cb(false, o.refuse) : undefined,
  });
  wss.on('connection', (ws) => {
    seen.connections++;
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (data) => {
      seen.messages++;
      const msg = JSON.parse(String(data));
      if (o.answer && !o.answer(seen.messages)) return;
      ws.send(JSON.stringify({ type: msg.type === 'subscribe' ? 'subscribed' : 'ack', symbol: msg.symbol }));
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  return { url: `ws://127.0.0.1:${(http.address() as { port: number }).port}/ws`, http, wss, seen, sockets };
}

const close = (s: WsServer) => {
  for (const ws of s.sockets) ws.terminate();
  s.wss.close();
  s.http.closeAllConnections();
  s.http.close();
};

let good: WsServer;
let refusing: WsServer;
let deaf: WsServer;
let hanging: TestServer;
beforeAll(async () => {
  [good, refusing, deaf, hanging] = await Promise.all([
    wsServer(),
    wsServer({ refuse: 403 }),
    wsServer({ autoPong: false }),
    hangingServer(),
  ]);
});
afterAll(() => {
  for (const s of [good, refusing, deaf]) if (s) close(s);
  hanging?.close();
});

describe('the websocket probe', () => {
  it('opens, times ping/pong round trips, sends a message and checks its reply', async () => {
    const r = await probeOne(
      target('websocket', {
        url: good.url,
        send: { type: 'subscribe', symbol: 'AAPL' },
        expect: { body: ['type == subscribed', 'symbol == AAPL'] },
      }),
      2000,
    );
    expect(r.status, r.error).toBe('pass');
    const metric = (m: string) => r.measurements.find((x) => x.metric === m)?.value;
    expect(metric('open_ms')).toBeGreaterThan(0);
    expect(metric('ping_ms')).toBeGreaterThan(0);
    expect(metric('reply_ms')).toBeGreaterThan(0);
    const bad = await probeOne(
      target('websocket', { url: good.url, send: { type: 'subscribe', symbol: 'AAPL' }, expect: { body: ['type == unsubscribed'] } }),
      2000,
    );
    expect(bad.error).toBe('the reply: body assertion failed: type == unsubscribed (found "subscribed")');
  });

  it('names each way it fails: a plain HTTP answer, a refused upgrade, no pong, nothing at all, nothing listening', async () => {
    const httpOnly = createServer((_req, res) => res.writeHead(200).end('hello'));
    await new Promise<void>((r) => httpOnly.listen(0, '127.0.0.1', () => r()));
    const port = (httpOnly.address() as { port: number }).port;
    try {
      expect((await probeOne(target('websocket', { url: `ws://127.0.0.1:${port}/` }), 2000)).error).toBe(
        `not a WebSocket endpoint: 127.0.0.1:${port} answered the upgrade request with HTTP 200, not 101 Switching Protocols`,
      );
    } finally {
      httpOnly.close();
    }
    expect((await probeOne(target('websocket', { url: refusing.url }), 2000)).error).toBe(
      'the WebSocket upgrade was refused: HTTP 403 (credentials? add headers)',
    );
    expect((await probeOne(target('websocket', { url: deaf.url }), 1000)).error).toMatch(
      /^no pong within \d+ ms: the server does not answer WebSocket pings$/,
    );
    const hung = await probeOne(target('websocket', { url: `ws://127.0.0.1:${hanging.port}/` }), 500);
    expect(hung.error).toBe('timeout after 500 ms waiting for the WebSocket upgrade (connected, but it never answered)');
    const nothing = await probeOne(target('websocket', { url: 'ws://127.0.0.1:1/' }), 1000);
    expect(nothing.error).toBe('connection refused: nothing is listening on 127.0.0.1:1');
  });

  it('ad hoc: validate probe ws://... works, and its name says what it is', async () => {
    const r = await runCli(['probe', good.url, '--format', 'json']);
    expect(r.code, whyNot(r)).toBe(0);
    expect(JSON.parse(r.stdout).probes[0]).toMatchObject({
      kind: 'websocket',
      status: 'pass',
      name: expect.stringMatching(/^websocket-\d+$/),
    });
  });
});

describe('the websocket scenario', () => {
  // Measured once (--retries 0): the server's own counts must equal one attempt's. A healthy server is never
  // NO-GO; on a busy machine the generator may not vouch for its timing (INCONCLUSIVE, exit 3), and the counts still hold.
  const judged = (code: number | null, verdict: string) =>
    expect([code, verdict]).toEqual(verdict === 'GO' ? [0, 'GO'] : [3, 'INCONCLUSIVE']);

  it("holds its connections and sends its messages: the counts are the server's own", async () => {
    const s = await wsServer();
    const dir = mkdtempSync(join(tmpdir(), 'validate-ws-'));
    const file = join(dir, 'ws.yaml');
    writeFileSync(
      file,
      `scenarios:\n  - { name: clients, kind: websocket, url: "${s.url}", connections: 40, connectRate: 200, duration: 2s, messageRate: 300, message: { type: quote }, expect: { body: ["type == ack"] } }\n`,
    );
    try {
      const r = await runCli(['run', file, '--retries', '0', '--format', 'json']);
      const report = JSON.parse(r.stdout);
      const [result] = report.scenarios;
      judged(r.code, report.verdict);
      expect(result.sessions).toMatchObject({ opened: 40, failed: 0, disconnects: 0 });
      expect(s.seen.connections).toBe(40);
      expect(result.requests).toBe(600);
      expect(s.seen.messages).toBe(600);
      expect(result.errors).toBe(0);
    } finally {
      close(s);
    }
  });

  it("in two worker shards: the merged held clients are both shards', as the server counted them", async () => {
    const s = await wsServer();
    const dir = mkdtempSync(join(tmpdir(), 'validate-ws-'));
    const file = join(dir, 'ws.yaml');
    writeFileSync(
      file,
      `scenarios:\n  - { name: clients, kind: websocket, url: "${s.url}", connections: 40, connectRate: 200, duration: 2s, messageRate: 300, message: { type: quote }, expect: { body: ["type == ack"] } }\n`,
    );
    try {
      const r = await runCli(['run', file, '--workers', '2', '--retries', '0', '--format', 'json']);
      const report = JSON.parse(r.stdout);
      const [result] = report.scenarios;
      judged(r.code, report.verdict);
      expect(report.mergedFrom).toMatchObject({ shards: 2, missing: [] });
      // One shard's sessions alone would be half: the websocket kind adds them (its mergeExtras).
      expect(result.sessions).toMatchObject({ opened: s.seen.connections, failed: 0, disconnects: 0 });
      expect(s.seen.connections).toBe(40);
      expect(result.requests).toBe(s.seen.messages);
    } finally {
      close(s);
    }
  });

  it('a socket the server drops is counted and never handed another message: the rest go to the live ones and to a reconnection', async () => {
    const s = await wsServer();
    const dir = mkdtempSync(join(tmpdir(), 'validate-ws-'));
    const file = join(dir, 'ws.yaml');
    writeFileSync(
      file,
      `scenarios:\n  - { name: clients, kind: websocket, url: "${s.url}", connections: 20, connectRate: 100, duration: 3s, messageRate: 100, message: { type: quote } }\n`,
    );
    // The server drops five clients once all twenty are held.
    let dropped = false;
    const dropper = setInterval(() => {
      if (dropped || s.sockets.size < 20) return;
      dropped = true;
      [...s.sockets].slice(0, 5).forEach((ws) => ws.terminate());
    }, 20);
    try {
      const r = await runCli(['run', file, '--retries', '0', '--format', 'json']);
      const report = JSON.parse(r.stdout);
      const [result] = report.scenarios;
      expect(dropped).toBe(true);
      expect(result.sessions.disconnects).toBe(5);
      // Only a message in flight on a dropped socket can fail: at most one each, never the many after.
      expect(result.errors).toBeLessThanOrEqual(5);
      expect(result.requests).toBe(300);
      if (result.errors) expect(Object.keys(result.errorCauses).join(' ')).toContain('closed');
      // The server's own count: every message that succeeded reached it.
      expect(s.seen.messages).toBeGreaterThanOrEqual(result.requests - result.errors);
      // Sockets opened again in place of the dropped ones are counted as opened, as the server counted them.
      expect(result.sessions.opened).toBe(s.seen.connections);
      // Messages the server's drops failed are the platform's errors: any of 300 is over the 99.9% budget.
      expect(report.verdict === 'NO-GO').toBe(result.errors > 0);
    } finally {
      clearInterval(dropper);
      close(s);
    }
  });

  // A server that is silent, or answers one message in two: each message fails within its timeout (from its
  // due time), the socket carries the next, and every message counts, the server's failure, not the generator's.
  const unanswered = async (answer: (n: number) => boolean) => {
    const s = await wsServer({ answer });
    const dir = mkdtempSync(join(tmpdir(), 'validate-ws-'));
    const file = join(dir, 'ws.yaml');
    writeFileSync(
      file,
      `scenarios:\n  - { name: clients, kind: websocket, url: "${s.url}", connections: 4, connectRate: 100, duration: 2s, messageRate: 40, timeout: 1s, message: { type: quote } }\n`,
    );
    try {
      const r = await runCli(['run', file, '--retries', '0', '--format', 'json']);
      return { r, report: JSON.parse(r.stdout), seen: s.seen };
    } finally {
      close(s);
    }
  };

  it('a server that never answers: all 80 messages fail within their 1 s timeout, NO-GO, never INVALID', async () => {
    const { r, report, seen } = await unanswered(() => false);
    const [result] = report.scenarios;
    expect(r.code, whyNot(r)).toBe(1);
    expect(result.validity).toBe('VALID');
    expect(result.requests).toBe(80);
    expect(result.errors).toBe(80);
    // The server's own count: every message sent reached it; only those whose timeout ran out waiting for a client were not sent.
    const unsent = Object.entries(result.errorCauses as Record<string, number>).find(([c]) => c.startsWith('timed out unsent'))?.[1] ?? 0;
    expect(seen.messages).toBe(80 - unsent);
    expect(result.errorCauses['no reply within the 1000 ms timeout']).toBe(80 - unsent);
    // Timed from each message's due time: a timeout, not the whole run.
    expect(result.latencyMs.max).toBeLessThan(1800);
  });

  it('a server that answers every other message: the answered ones are measured, the others fail, all 80 counted', async () => {
    const { report, seen } = await unanswered((n) => n % 2 === 1);
    const [result] = report.scenarios;
    expect(result.validity).toBe('VALID');
    expect(result.requests).toBe(80);
    // What the server answered is what succeeded: its own count of answers.
    expect(result.requests - result.errors).toBe(Math.ceil(seen.messages / 2));
    expect(result.errors).toBeGreaterThan(0);
  });
});
