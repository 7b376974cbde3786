import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
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
    servers.push(redis, nats, engine);
    [ports.redis, ports.nats, ports.engine] = await Promise.all(servers.map(listen));
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
});
