import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { runCli } from '../helpers/cli.js';
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

async function wsServer(o: { autoPong?: boolean; refuse?: number } = {}): Promise<WsServer> {
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
  [good, refusing, deaf, hanging] = await Promise.all([wsServer(), wsServer({ refuse: 403 }), wsServer({ autoPong: false }), hangingServer()]);
});
afterAll(() => {
  for (const s of [good, refusing, deaf]) if (s) close(s);
  hanging?.close();
});

describe('the websocket probe', () => {
  it('opens, times ping/pong round trips, sends a message and checks its reply', async () => {
    const r = await probeOne(target('websocket', { url: good.url, send: { type: 'subscribe', symbol: 'AAPL' }, expect: { body: ['type == subscribed', 'symbol == AAPL'] } }), 2000);
    expect(r.status, r.error).toBe('pass');
    const metric = (m: string) => r.measurements.find((x) => x.metric === m)?.value;
    expect(metric('open_ms')).toBeGreaterThan(0);
    expect(metric('ping_ms')).toBeGreaterThan(0);
    expect(metric('reply_ms')).toBeGreaterThan(0);
    const bad = await probeOne(target('websocket', { url: good.url, send: { type: 'subscribe', symbol: 'AAPL' }, expect: { body: ['type == unsubscribed'] } }), 2000);
    expect(bad.error).toBe('the reply: body assertion failed: type == unsubscribed (found "subscribed")');
  });

  it('names each way it fails: a plain HTTP answer, a refused upgrade, no pong, nothing at all, nothing listening', async () => {
    const httpOnly = createServer((_req, res) => res.writeHead(200).end('hello'));
    await new Promise<void>((r) => httpOnly.listen(0, '127.0.0.1', () => r()));
    const port = (httpOnly.address() as { port: number }).port;
    try {
      expect((await probeOne(target('websocket', { url: `ws://127.0.0.1:${port}/` }), 2000)).error).toBe(`not a WebSocket endpoint: 127.0.0.1:${port} answered the upgrade request with HTTP 200, not 101 Switching Protocols`);
    } finally {
      httpOnly.close();
    }
    expect((await probeOne(target('websocket', { url: refusing.url }), 2000)).error).toBe('the WebSocket upgrade was refused: HTTP 403 (credentials? add headers)');
    expect((await probeOne(target('websocket', { url: deaf.url }), 1000)).error).toMatch(/^no pong within \d+ ms: the server does not answer WebSocket pings$/);
    const hung = await probeOne(target('websocket', { url: `ws://127.0.0.1:${hanging.port}/` }), 500);
    expect(hung.error).toBe('timeout after 500 ms waiting for the WebSocket upgrade (connected, but it never answered)');
    const nothing = await probeOne(target('websocket', { url: 'ws://127.0.0.1:1/' }), 1000);
    expect(nothing.error).toBe('connection refused: nothing is listening on 127.0.0.1:1');
  });

  it('ad hoc: validate probe ws://... works, and its name says what it is', async () => {
    const r = await runCli(['probe', good.url, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).probes[0]).toMatchObject({ kind: 'websocket', status: 'pass', name: expect.stringMatching(/^websocket-\d+$/) });
  });
});

describe('the websocket scenario', () => {
  it('holds its connections and sends its messages: the counts are the server\'s own', async () => {
    const s = await wsServer();
    const dir = mkdtempSync(join(tmpdir(), 'validate-ws-'));
    const file = join(dir, 'ws.yaml');
    writeFileSync(file, `scenarios:\n  - { name: clients, kind: websocket, url: "${s.url}", connections: 40, connectRate: 200, duration: 2s, messageRate: 300, message: { type: quote }, expect: { body: ["type == ack"] } }\n`);
    try {
      const r = await runCli(['run', file, '--format', 'json']);
      expect(r.code, r.stderr).toBe(0);
      const [result] = JSON.parse(r.stdout).scenarios;
      expect(result.sessions).toMatchObject({ opened: 40, failed: 0, disconnects: 0 });
      expect(s.seen.connections).toBe(40);
      expect(result.requests).toBe(600);
      expect(s.seen.messages).toBe(600);
      expect(result.errors).toBe(0);
    } finally {
      close(s);
    }
  });

  it('connections the server drops while held are counted, and messages on them fail', async () => {
    const s = await wsServer();
    // The server drops five clients a second into the run.
    setTimeout(() => [...s.sockets].slice(0, 5).forEach((ws) => ws.terminate()), 1000);
    const dir = mkdtempSync(join(tmpdir(), 'validate-ws-'));
    const file = join(dir, 'ws.yaml');
    writeFileSync(file, `scenarios:\n  - { name: clients, kind: websocket, url: "${s.url}", connections: 20, connectRate: 100, duration: 2s, messageRate: 100 }\n`);
    try {
      const r = await runCli(['run', file, '--format', 'json']);
      const [result] = JSON.parse(r.stdout).scenarios;
      expect(result.sessions).toMatchObject({ opened: 20, disconnects: 5 });
      expect(result.errors).toBeGreaterThan(0);
      expect(Object.keys(result.errorCauses).join(' ')).toContain('closed');
    } finally {
      close(s);
    }
  });
});
