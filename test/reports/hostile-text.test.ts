import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORMAT_NAMES } from '../../src/reports/formats.js';
import { runCli } from '../helpers/cli.js';

/**
 * Servers that answer with terminal control sequences (clear the screen, recolour, retitle the window, a
 * one-byte C1 CSI), each over a real socket in its own protocol's shape: a Redis error, a NATS greeting,
 * an engine's health document. No format may carry one to the operator's terminal or file raw: each is
 * shown as `\x1b`, as `cat -v` would.
 */
const HOSTILE = 'owned \x1b[2J\x1b[31mred\x1b]0;title\x07 \x9b2J';
const SHOWN = 'owned \\x1b[2J\\x1b[31mred\\x1b]0;title\\x07 \\x9b2J';

const listen = (s: Server | HttpServer) => new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));

describe('a server that writes control sequences never reaches the terminal', () => {
  const servers: (Server | HttpServer)[] = [];
  const ports: Record<string, number> = {};

  beforeAll(async () => {
    // Redis: every command (each RESP array, several may share a packet) is answered with an error carrying the sequences.
    const redis = createServer((s) =>
      s.on('data', (d) => {
        for (const _ of String(d).matchAll(/^\*\d+\r$/gm)) s.write(`-ERR ${HOSTILE}\r\n`);
      }),
    );
    // Not NATS: a greeting line of its own, sequences and all.
    const nats = createServer((s) => s.write(`HELLO ${HOSTILE}\r\n`));
    // An engine whose health document says it is down, in those words.
    const engine = createHttpServer((_req, res) =>
      res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: HOSTILE })),
    );
    // PostgreSQL: whatever the client sends first, a FATAL ErrorResponse whose message is the sequences.
    const postgres = createServer((s) =>
      s.once('data', () => {
        const fields = Buffer.from(`SFATAL\0C28000\0M${HOSTILE}\0\0`);
        const head = Buffer.alloc(5);
        head.write('E');
        head.writeUInt32BE(fields.length + 4, 1);
        s.end(Buffer.concat([head, fields]));
      }),
    );
    // Prometheus: ready, with a scrape target down whose instance label is the sequences.
    const prometheus = createHttpServer((req, res) => {
      const data = req.url!.startsWith('/api/v1/targets')
        ? { activeTargets: [{ health: 'down', labels: { instance: HOSTILE, job: 'node' } }] }
        : req.url!.startsWith('/api/v1/query')
          ? { resultType: 'vector', result: [] }
          : { alerts: [], groups: [] };
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(req.url === '/-/ready' ? 'ready' : JSON.stringify({ status: 'success', data }));
    });
    // Any HTTP endpoint whose JSON body fails an assertion: the value it has is quoted.
    const http = createHttpServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: HOSTILE })),
    );
    // A WebSocket that closes at once with the sequences as its reason.
    const websocket = createHttpServer();
    new WebSocketServer({ server: websocket }).on('connection', (ws) => ws.close(1011, HOSTILE.slice(0, 60)));
    servers.push(redis, nats, engine, postgres, prometheus, http, websocket);
    [ports.redis, ports.nats, ports.engine, ports.postgres, ports.prometheus, ports.http, ports.websocket] = await Promise.all(
      servers.map(listen),
    );
  });
  afterAll(() => servers.forEach((s) => s.close()));

  it('in every format, stdout and stderr: the text is there, shown, and no control character is', async () => {
    const targets = [
      '--redis',
      `cache=redis://127.0.0.1:${ports.redis}`,
      '--nats',
      `bus=nats://127.0.0.1:${ports.nats}`,
      '--engine',
      `risk=http://127.0.0.1:${ports.engine}/health`,
    ];
    for (const f of FORMAT_NAMES) {
      const r = await runCli(['probe', ...targets, '--format', f]);
      expect(r.code, `${f}: ${r.stderr}`).toBe(1);
      const out = r.stdout + r.stderr;
      // eslint-disable-next-line no-control-regex -- what must not be there
      expect(out, f).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      // JSON and HTML write the backslash their own way; the words are there either way (the Prometheus
      // textfile carries numbers only).
      if (f !== 'prometheus') expect(out, f).toMatch(/owned(.|\n){1,8}x1b\[2J/);
    }
    // Each server's words, each shown: the Redis error, the NATS greeting, the engine's own status.
    const json = JSON.parse((await runCli(['probe', ...targets, '--format', 'json'])).stdout) as {
      probes: { name: string; error?: string }[];
    };
    const said = Object.fromEntries(json.probes.map((p) => [p.name, p.error ?? '']));
    expect(said.cache).toContain(SHOWN.slice(0, 30));
    expect(said.bus).toContain(SHOWN.slice(0, 30));
  });

  it('every other kind that quotes a server: PostgreSQL, Prometheus, an HTTP body, a WebSocket close reason', async () => {
    const config = join(mkdtempSync(join(tmpdir(), 'validate-hostile-')), 'v.yaml');
    writeFileSync(
      config,
      `platform: hostile
targets:
  - { name: db, kind: postgres, url: "postgres://app@127.0.0.1:${ports.postgres}/app" }
  - { name: prom, kind: prometheus, url: "http://127.0.0.1:${ports.prometheus}" }
  - { name: api, kind: http, url: "http://127.0.0.1:${ports.http}/", expect: { body: ["status == healthy"] } }
  - { name: feed, kind: websocket, url: "ws://127.0.0.1:${ports.websocket}/" }
`,
    );
    for (const f of FORMAT_NAMES) {
      const r = await runCli(['run', config, '--format', f]);
      expect(r.code, `${f}: ${r.stderr}`).toBe(1);
      // eslint-disable-next-line no-control-regex -- what must not be there
      expect(r.stdout + r.stderr, f).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    }
    const json = JSON.parse((await runCli(['run', config, '--format', 'json'])).stdout) as {
      probes: { name: string; error?: string; warnings?: string[] }[];
    };
    const said = Object.fromEntries(json.probes.map((p) => [p.name, [p.error ?? '', ...(p.warnings ?? [])].join(' ')]));
    // Shown as \x1b, or as JSON's \u001b where a value is quoted as JSON (a body assertion's found value).
    for (const name of ['db', 'prom', 'api', 'feed']) expect(said[name], name).toMatch(/owned \\(x1b|u001b)\[2J/);
  });
});
