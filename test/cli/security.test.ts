import { createServer } from 'node:https';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateFor, pem } from '../helpers/certs.js';
import { runCli } from '../helpers/cli.js';
import { redisCli, startRedis, type Running } from '../helpers/services.js';
import { PROBES } from '../../src/probes/registry.js';

/** The kinds whose probes say whether credentials are required: every new one joins the message by itself. */
const TELLERS = PROBES.filter((p) => 'auth_required' in p.metrics)
  .map((p) => p.kind)
  .join(', ');

/**
 * `security: {auth, tls: required}` end to end: what the config asks becomes a criterion per target,
 * judged on what the probe found (checked against redis-cli), with the requirement in words; and HSTS
 * read from a real https server's header, as curl sees it.
 */
const dir = mkdtempSync(join(tmpdir(), 'validate-security-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('security requirements become criteria, judged on what the servers do', () => {
  let open: Running;
  let locked: Running;
  beforeAll(async () => {
    [open, locked] = await Promise.all([startRedis(), startRedis({ password: 'pw-1' })]);
  });
  afterAll(() => Promise.all([open, locked].filter(Boolean).map((r) => r.stop())));

  it('auth required of every target: the open Redis is NO-GO with its reason, the locked one MET', async () => {
    expect(await redisCli(open.port, 'PING')).toBe('PONG');
    expect(await redisCli(locked.port, 'PING')).toMatch(/NOAUTH/);
    const p = file(
      'auth.yaml',
      `platform: t\nsecurity: { auth: required }\ntargets:\n  - { name: cache, kind: redis, url: "${open.url}", samples: 1 }\n  - { name: bus, kind: redis, url: "redis://:pw-1@127.0.0.1:${locked.port}", samples: 1 }\n`,
    );
    const r = await runCli(['run', '--config', p, '--format', 'json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.verdict).toBe('NO-GO');
    const row = (name: string) => report.criteria.find((c: { name: string }) => c.name === name);
    expect(row('cache requires credentials')).toMatchObject({
      outcome: 'NOT MET',
      actual: 0,
      inWords: 'cache refuses clients without credentials',
    });
    expect(row('bus requires credentials')).toMatchObject({ outcome: 'MET', actual: 1 });
    expect(r.stdout).not.toContain('pw-1');
  });

  it('a requirement a kind cannot tell is a located config error; top-level security skips such kinds', async () => {
    expect(TELLERS).toMatch(/^redis, .*postgres/); // the list the message gives is the registry's, in its order
    const bad = file('tcp.yaml', 'targets:\n  - name: gw\n    kind: tcp\n    url: tcp://127.0.0.1:1\n    security: { auth: required }\n');
    const r = await runCli(['check', '--config', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${bad}:5:23: targets[0].security.auth: a tcp target cannot tell whether it refuses clients without credentials (kinds that can: ${TELLERS})`,
    );
    const skipped = file('tcp-top.yaml', 'security: { tls: required }\ntargets:\n  - { name: gw, kind: tcp, url: "tcp://127.0.0.1:1" }\n');
    expect((await runCli(['check', '--config', skipped])).code).toBe(0);
  });
});

describe('HSTS on https targets', () => {
  const cert = certificateFor(['IP:127.0.0.1'], 60);
  const servers: ReturnType<typeof createServer>[] = [];
  const serve = async (header?: string) => {
    const s = createServer({ key: pem(cert.key), cert: pem(cert.cert) }, (_q, res) => {
      if (header) res.setHeader('strict-transport-security', header);
      res.end('ok');
    });
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    return (s.address() as { port: number }).port;
  };
  afterAll(() => servers.forEach((s) => s.close()));

  it('max-age as the header says (0 without one), and a criterion can require it', async () => {
    const [withIt, without] = [await serve('max-age=31536000; includeSubDomains'), await serve()];
    const probe = (port: number) =>
      runCli(['probe', '--format', 'json', '--http', `web=https://127.0.0.1:${port}/`], { env: { NODE_EXTRA_CA_CERTS: cert.ca } });
    const hsts = (r: { stdout: string }) =>
      JSON.parse(r.stdout).probes[0].measurements.find((m: { metric: string }) => m.metric === 'hsts_max_age_s')?.value;
    expect(hsts(await probe(withIt))).toBe(31536000);
    expect(hsts(await probe(without))).toBe(0);
    const p = file(
      'hsts.yaml',
      `targets:\n  - { name: web, kind: http, url: "https://127.0.0.1:${without}/" }\ncriteria:\n  - "http.web.hsts_max_age_s >= 180d"\n`,
    );
    const r = await runCli(['run', '--config', p, '--format', 'json'], { env: { NODE_EXTRA_CA_CERTS: cert.ca } });
    expect(JSON.parse(r.stdout).criteria.find((c: { expression: string }) => c.expression.includes('hsts'))).toMatchObject({
      outcome: 'NOT MET',
      actual: 0,
    });
  });
});
