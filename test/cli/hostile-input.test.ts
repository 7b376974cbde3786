import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitOnError } from '../../src/exit-on-error.js';
import { BIN, runCli, startCli } from '../helpers/cli.js';
import { spawn } from 'node:child_process';

const dir = mkdtempSync(join(tmpdir(), 'validate-hostile-'));
const file = (name: string, text: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

/** An engine behind basic auth (user "ops", password with reserved characters), counting what it answered. */
let server: Server;
let url: string;
const seen: { auth?: string }[] = [];
beforeAll(async () => {
  const expected = `Basic ${Buffer.from('ops:s3/cr@t#pw').toString('base64')}`;
  server = createServer((req, res) => {
    req.resume();
    seen.push({ auth: req.headers.authorization });
    const ok = req.headers.authorization === expected;
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(ok ? '{"status":"healthy"}' : '{"status":"unauthorized"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(
  () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
);

const PW = encodeURIComponent('s3/cr@t#pw');
const leaks = (r: { stdout: string; stderr: string }, secret: string) => r.stdout.includes(secret) || r.stderr.includes(secret);

describe('credentials are used, and never printed', () => {
  it('user:password in an engine URL is sent as basic credentials (probe and load), and masked everywhere', async () => {
    seen.length = 0;
    const probe = await runCli(['probe', '--engine', `api=http://ops:${PW}@${url.slice(7)}`, '--format', 'json']);
    expect(probe.code).toBe(0);
    expect(JSON.parse(probe.stdout).probes[0]).toMatchObject({ status: 'pass', target: `http://ops:***@${url.slice(7)}/` });
    const load = await runCli(['load', `http://ops:${PW}@${url.slice(7)}/health`, '-c', '2', '-a', '20', '--format', 'json']);
    expect(load.code).toBe(0);
    expect(JSON.parse(load.stdout).scenarios[0]).toMatchObject({ requests: 20, errors: 0 });
    // What the server received: every request with the credentials.
    expect(seen.length).toBeGreaterThanOrEqual(21);
    expect(seen.every((s) => s.auth === `Basic ${Buffer.from('ops:s3/cr@t#pw').toString('base64')}`)).toBe(true);
    for (const r of [probe, load]) for (const secret of ['s3/cr@t#pw', PW]) expect(leaks(r, secret)).toBe(false);
  });

  it('a NATS token in the user position (the documented form) is used, and masked in every format, the bus lines and the error of a wrong one', async () => {
    const { startNats } = await import('../helpers/nats-server.js');
    const TOKEN = 'tok-s3cret-6f1c';
    const WRONG = 'tok-wrong-9a2e';
    const nats = await startNats({ token: TOKEN, jetstream: false });
    try {
      const wrong = nats.url.replace(TOKEN, WRONG);
      const config = file(
        'nats-token.yaml',
        `targets:\n  - { name: bus, kind: nats, url: "${nats.url}" }\n  - { name: stale, kind: nats, url: "${wrong}", required: false }\n` +
          `scenarios:\n  - { name: quotes, kind: bus, target: bus, channel: md.quotes, rate: 100, duration: 1s }\n`,
      );
      const outs = ['json', 'md', 'txt', 'html', 'xml', 'prom'].map((ext) => join(dir, `nats-token.${ext}`));
      const r = await runCli(['run', config, '--retries', '0', ...outs.flatMap((o) => ['--out', o])]);
      const everything = [r.stdout, r.stderr, ...outs.map((o) => readFileSync(o, 'utf8'))];
      for (const [i, text] of everything.entries()) {
        expect(text.includes(TOKEN) || text.includes(WRONG), `output ${i} shows a token`).toBe(false);
      }
      const report = JSON.parse(readFileSync(outs[0], 'utf8'));
      // The token was used: the server let the probe and the traffic in, and refused the wrong one.
      expect(report.probes.map((p: { name: string; status: string }) => [p.name, p.status])).toEqual([
        ['bus', 'pass'],
        ['stale', 'fail'],
      ]);
      expect(report.probes[1].error).toMatch(/^authorization violation/);
      expect(report.scenarios[0].delivery).toMatchObject({ published: 100, delivered: 100 });
      expect(report.scenarios[0].target).toBe(`channel md.quotes on nats://***@127.0.0.1:${nats.port}, 128 B messages`);
    } finally {
      await nats.stop();
    }
  });

  it('--dry-run masks the ${SECRET} values in fault commands and URLs', async () => {
    const p = file(
      'dry.yaml',
      `targets:\n  - { name: api, kind: engine, url: "${url}" }\nfaults:\n  - { name: r, fault: { type: restart, command: "curl -H 'x-token: \${API_TOKEN}' https://admin:\${ADMIN_PASS}@ops.example/restart" }, watch: [api] }\n`,
    );
    const r = await runCli(['run', '--config', p, '--dry-run'], { env: { API_TOKEN: 'tok-Live-8842', ADMIN_PASS: 'Adm1n-Pass' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("would run `curl -H 'x-token: ***' https://admin:***@ops.example/restart`");
    expect(leaks(r, 'tok-Live-8842') || leaks(r, 'Adm1n-Pass')).toBe(false);
  });

  it('a password with a reserved character makes the URL unparseable: the error masks it and says to percent-encode', async () => {
    const r = await runCli(['probe', 'redis://:Secret/Part@127.0.0.1:6379']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('percent-encode the reserved characters of a password (/ is %2F');
    expect(leaks(r, 'Secret/Part') || leaks(r, 'Secret')).toBe(false);
    const c = await runCli([
      'check',
      '--config',
      file('bad-url.yaml', 'targets:\n  - { name: bus, kind: redis, url: "redis://:Secret/Part@127.0.0.1:6379" }\n'),
    ]);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain(
      'bad-url.yaml:2:36: targets[0].url: expected a URL starting with redis:// or rediss://: it does not parse; percent-encode',
    );
    expect(leaks(c, 'Secret')).toBe(false);
  });
});

describe('no input ends in a stack trace', () => {
  it.each([
    [
      'a config over 1 MiB',
      () => file('big.yaml', `platform: x\n# ${'x'.repeat(2 * 1024 * 1024)}\n`),
      /big\.yaml: is 2048 KiB; a config is at most 1024 KiB/,
    ],
    [
      'an alias bomb',
      () => {
        let y = 'a: &a [x,x,x,x,x,x,x,x,x,x]\n';
        let prev = 'a';
        for (let i = 0; i < 9; i++) {
          y += `l${i}: &l${i} [${Array(10).fill(`*${prev}`).join(',')}]\n`;
          prev = `l${i}`;
        }
        return file('bomb.yaml', `${y}targets: *l8\n`);
      },
      /bomb\.yaml:2:10: YAML aliases expand to too much/,
    ],
    ['a binary file', () => file('bin.yaml', Buffer.from([0x74, 0x3a, 0, 0xff])), /bin\.yaml: is not a text file \(it holds NUL bytes\)/],
    [
      'lists nested 20,000 deep',
      () => file('deep.yaml', `targets: ${'['.repeat(20000)}${']'.repeat(20000)}\n`),
      /deep\.yaml:1:\d+: YAML syntax: nested too deeply to read/,
    ],
    [
      'a folder',
      () => {
        mkdirSync(join(dir, 'a-folder'), { recursive: true });
        return join(dir, 'a-folder');
      },
      /a-folder: is a folder, not a file/,
    ],
  ])('%s: one located line, exit 2', async (_what, make, message) => {
    const r = await runCli(['check', '--config', make()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack
  });

  it('a folder as GITHUB_STEP_SUMMARY: one line saying so, and the verdict still decides the exit code', async () => {
    const folder = join(dir, 'summary-folder');
    mkdirSync(folder, { recursive: true });
    const r = await runCli(['probe', '--engine', `api=http://ops:${PW}@${url.slice(7)}`, '-q'], { env: { GITHUB_STEP_SUMMARY: folder } });
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toBe(`validate: cannot append the job summary to GITHUB_STEP_SUMMARY (${folder}): that path is a folder`);
  });

  it('a bug is one line and exit 70, never the usage code; the stack only when asked', () => {
    const out: string[] = [];
    const code = exitOnError(new TypeError("Cannot read properties of null (reading 'alerts')"), (l) => out.push(l), false);
    expect(code).toBe(70);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(
      /^validate: internal error \(a bug; please report it with the command that caused it\): TypeError: Cannot read properties of null \(reading 'alerts'\)/,
    );
    expect(out[0].split('\n').filter(Boolean)).toHaveLength(1);
    const debug: string[] = [];
    exitOnError(new TypeError('x'), (l) => debug.push(l), true);
    expect(debug[1]).toMatch(/\n\s+at /);
  });
});

describe('outputs and numbers that would do harm', () => {
  it('--out to a device writes to it and never replaces it (as root, a rename would destroy /dev/full)', async () => {
    const r = await runCli(['probe', '--engine', `api=http://ops:${PW}@${url.slice(7)}`, '-q', '--out', 'json:/dev/full']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('a report file could not be written: /dev/full: no space left on the device');
    const { statSync } = await import('node:fs');
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
    const toStdout = await runCli(['probe', '--engine', `api=http://ops:${PW}@${url.slice(7)}`, '-q', '--out', 'json:/dev/stdout']);
    expect(JSON.parse(toStdout.stdout).verdict).toBe('GO');
  });

  it('a duration longer than a timer can wait (it would fire at once) is refused, in a config and a flag', async () => {
    const c = await runCli([
      'check',
      '--config',
      file('huge.yaml', `defaults: { timeout: 9999h }\ntargets:\n  - { name: a, kind: tcp, url: "tcp://127.0.0.1:1" }\n`),
    ]);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain(
      'huge.yaml:1:22: defaults.timeout: "9999h" is longer than 24 days, the longest wait a timer can take; is the unit right?',
    );
    const f = await runCli(['load', `${url}/health`, '-d', '9999h']);
    expect(f.code).toBe(2);
    expect(f.stderr).toContain('"9999h" is longer than 24 days');
  });

  it('a rate the generator can never keep: it gives up the schedule, in bounded memory, INVALID and saying why; INCONCLUSIVE (exit 3), with the rate it really got answered', async () => {
    const before = seen.length;
    const r = await runCli([
      'load',
      `http://ops:${PW}@${url.slice(7)}/health`,
      '-R',
      '10000000',
      '-d',
      '20s',
      '--max-connections',
      '2',
      '--timeout',
      '1s',
      '--retries',
      '0',
      '--format',
      'json',
    ]);
    const answered = seen.length - before;
    expect(r.code, r.stderr).toBe(3);
    const report = JSON.parse(r.stdout);
    const s = report.scenarios[0];
    expect(report.verdict).toBe('INCONCLUSIVE');
    expect(s.validity).toBe('INVALID');
    // The server's own count is what was sent and answered, and at most one request per connection more: those
    // in flight when the run ended, cut off (counted apart with the never sent, not as the server's errors).
    expect(answered - (s.requests - s.errors)).toBeGreaterThanOrEqual(0);
    expect(answered - (s.requests - s.errors)).toBeLessThanOrEqual(2);
    expect(s.rps * (s.durationMs / 1000)).toBeLessThanOrEqual(answered * 1.01);
    expect(s.abandoned).toBeGreaterThan(199_000_000);
    expect(s.invalidReason).toMatch(
      /^(the generator fell [\d.]+ s behind its schedule|[\d,]+ requests were waiting for a connection), so it gave up: [\d,]+ of the 200,000,000 requests due were never sent/,
    );
    expect(s.generator.maxRssMb).toBeLessThan(400); // a queue of every due request would take gigabytes
  });
});

describe('quiet and signals', () => {
  it.each(['redis', 'nats', 'postgres', 'http', 'prometheus'])(
    'a %s probe stuck on a server that never answers stops at SIGTERM, not at its 30 s timeout: exit 143, skipped, INCONCLUSIVE',
    async (kind) => {
      // A socket server of the test's own that accepts and then says nothing, as a black-holed service does.
      const { createServer: tcp } = await import('node:net');
      let connected: () => void = () => undefined;
      const stuck = new Promise<void>((r) => (connected = r));
      const silent = tcp(() => connected());
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
      const at = `127.0.0.1:${(silent.address() as { port: number }).port}`;
      const scheme = kind === 'prometheus' ? 'http' : kind;
      const out = join(dir, `stuck-${kind}.json`);
      const child = spawn(process.execPath, [BIN, 'probe', `--${kind}`, `x=${scheme}://${at}`, '--timeout', '30s', '--out', out], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let said = '';
      child.stderr.on('data', (d) => (said += d));
      try {
        // Once its connection has reached the server that will never answer, it is stuck: stop it.
        await stuck;
        const t0 = performance.now();
        child.kill('SIGTERM');
        const code = await new Promise((r) => child.on('close', r));
        expect([code, performance.now() - t0 < 5000], said).toEqual([143, true]);
        const report = JSON.parse(readFileSync(out, 'utf8'));
        expect(report).toMatchObject({ aborted: true, verdict: 'INCONCLUSIVE' });
        expect(report.probes[0]).toMatchObject({ status: 'skip', error: expect.stringMatching(/^interrupted .*: not measured$/) });
      } finally {
        silent.close();
      }
    },
  );

  it('-q: nothing on stdout or stderr when all is well, files still written', async () => {
    const out = join(dir, 'quiet.json');
    const r = await runCli(['load', `http://ops:${PW}@${url.slice(7)}/health`, '-c', '1', '-a', '10', '-q', '--out', out]);
    const why = () => JSON.stringify(JSON.parse(readFileSync(out, 'utf8')).criteria.filter((c: { status: string }) => c.status !== 'pass'));
    expect(r.code, why()).toBe(0);
    expect([r.stdout, r.stderr]).toEqual(['', '']);
    expect(JSON.parse(readFileSync(out, 'utf8')).scenarios[0].requests).toBe(10);
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s stops a 30 s load long before its end, writes the partial report marked aborted, and exits %i', async (signal, exit) => {
    const out = join(dir, `${signal}.json`);
    const cli = startCli(['load', `http://ops:${PW}@${url.slice(7)}/health`, '-d', '30s', '-c', '2', '--out', out, '--progress']);
    // Signalled once its progress line shows requests answered: the load is under way, whatever the machine's speed.
    await cli.stderrMatches(/ [1-9][\d,]* req /);
    const t0 = performance.now();
    cli.kill(signal);
    const r = await cli.done;
    const stoppedMs = performance.now() - t0;
    expect(r.code).toBe(exit);
    expect(stoppedMs).toBeLessThan(10_000); // a third of the 30 s asked: the signal ended it, not the duration
    const report = JSON.parse(readFileSync(out, 'utf8'));
    // Interrupted with nothing measured failing: it proves nothing either way, so never GO, and not NO-GO.
    expect(report).toMatchObject({ aborted: true, verdict: 'INCONCLUSIVE' });
    expect(report.scenarios[0].requests).toBeGreaterThan(0);
  });
});
