import { execFileSync } from 'node:child_process';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { createServer as createHttpsServer } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectTls } from '../../src/protocols/tls-handshake.js';
import type { ProbeResult } from '../../src/results/result.js';
import { probeOne } from '../../src/run/probe-one.js';
import { certificateFor, longChainFor, pem, redisTlsArgs } from '../helpers/certs.js';
import { startNats, type NatsServer } from '../helpers/nats-server.js';
import { startRedis, type Running } from '../helpers/services.js';
import { target } from '../helpers/targets.js';
import { runCli } from '../helpers/cli.js';

/**
 * TLS and access beyond https, on real servers: a redis-server with a TLS port, nats-server with and
 * without credentials; and TLS servers that misbehave on purpose (real sockets): one that accepts and
 * never finishes the handshake, one that agrees to PostgreSQL's TLS and then stalls, one that sends a
 * chain of 50 certificates.
 */
const value = (r: ProbeResult, metric: string) => r.measurements.find((m) => m.metric === metric && !m.labels)?.value;
const enddate = (port: number) => {
  const out = execFileSync(
    'sh',
    ['-c', `openssl s_client -connect 127.0.0.1:${port} </dev/null 2>/dev/null | openssl x509 -noout -enddate`],
    {
      encoding: 'utf8',
    },
  );
  return Date.parse(out.trim().replace(/^notAfter=/, ''));
};

describe('rediss and NATS: TLS and who they let in, as openssl and the servers themselves say', () => {
  let tlsRedis: Running;
  let tlsPort: number;
  let open: NatsServer;
  let locked: NatsServer;
  const cert = certificateFor(['IP:127.0.0.1'], 15);
  beforeAll(async () => {
    const { freePort } = await import('../helpers/ports.js');
    tlsPort = await freePort();
    tlsRedis = await startRedis({ extra: redisTlsArgs(tlsPort, cert) });
    [open, locked] = await Promise.all([startNats({ jetstream: false }), startNats({ jetstream: false, user: 'svc', pass: 's3cret' })]);
  });
  afterAll(async () => {
    await Promise.all([tlsRedis, open, locked].filter(Boolean).map((s) => s.stop()));
  });

  it('rediss: on, the days left as openssl reads the served certificate, a warning at 15 days, untrusted named', async () => {
    const r = await probeOne(target('redis', { url: `rediss://127.0.0.1:${tlsPort}`, tlsVerify: false }), 3000);
    const expected = (enddate(tlsPort) - Date.now()) / 86_400_000;
    expect(value(r, 'tls_enabled')).toBe(1);
    expect(value(r, 'tls_expires_in_days')).toBeCloseTo(expected, 1);
    expect(value(r, 'tls_version')).toBe(1.3);
    expect(value(r, 'tls_valid')).toBe(0); // its CA is not one this process trusts
    expect(r.status).toBe('warn');
    expect(r.warnings).toContainEqual(
      expect.stringMatching(/^TLS certificate expires in 1[45]\.\d days .*: renew it within 21 days of expiry$/),
    );
    // Redis sends its CA too; openssl, trusting nothing either, stops where the probe does.
    expect(r.warnings).toContain('TLS certificate not trusted by a verifying client: SELF_SIGNED_CERT_IN_CHAIN');
    const verify = execFileSync(
      'sh',
      ['-c', `openssl s_client -connect 127.0.0.1:${tlsPort} </dev/null 2>/dev/null | grep -m1 'Verify return code'`],
      {
        encoding: 'utf8',
      },
    );
    expect(verify.trim()).toBe('Verify return code: 19 (self-signed certificate in certificate chain)');
    // The same server's plaintext port: no TLS there.
    const plain = await probeOne(target('redis', { url: tlsRedis.url }), 3000);
    expect(value(plain, 'tls_enabled')).toBe(0);
  });

  it("NATS: credentials required or not, as the server's own /varz says", async () => {
    const varz = async (s: NatsServer) => ((await (await fetch(`${s.monitor}/varz`)).json()) as { auth_required?: boolean }).auth_required;
    const a = await probeOne(target('nats', { url: open.url }), 3000);
    const b = await probeOne(target('nats', { url: locked.url }), 3000);
    expect(value(a, 'auth_required')).toBe((await varz(open)) ? 1 : 0);
    expect(value(a, 'auth_required')).toBe(0);
    expect(value(b, 'auth_required')).toBe((await varz(locked)) ? 1 : 0);
    expect(value(b, 'auth_required')).toBe(1);
    expect(value(a, 'tls_enabled')).toBe(0);
    expect(value(a, 'tls_required')).toBe(0);
  });
});

describe('NATS that requires TLS: the probe upgrades as a client does', () => {
  let server: NatsServer;
  const cert = certificateFor(['IP:127.0.0.1'], 15);
  beforeAll(async () => {
    server = await startNats({ jetstream: false, tls: cert });
  });
  afterAll(() => server?.stop());
  const notAfter = () =>
    Date.parse(execFileSync('openssl', ['x509', '-noout', '-enddate', '-in', cert.cert], { encoding: 'utf8' }).trim().slice(9));

  it('with its CA trusted, by IP address (the certificate names only IP:127.0.0.1): a pass, TLS required as /varz says, the days left as openssl reads the certificate file', async () => {
    const r = await runCli(['probe', '--nats', `bus=${server.url}`, '--format', 'json'], { env: { NODE_EXTRA_CA_CERTS: cert.ca } });
    const p = JSON.parse(r.stdout).probes[0] as ProbeResult;
    expect(p.status, p.error).toBe('warn'); // a certificate 15 days from expiry
    const varz = (await (await fetch(`${server.monitor}/varz`)).json()) as { tls_required?: boolean };
    expect(value(p, 'tls_required')).toBe(varz.tls_required ? 1 : 0);
    expect(value(p, 'tls_required')).toBe(1);
    expect([value(p, 'tls_enabled'), value(p, 'tls_valid')]).toEqual([1, 1]);
    expect(value(p, 'tls_expires_in_days')).toBeCloseTo((notAfter() - Date.now()) / 86_400_000, 1);
  });

  it('its CA not trusted (the server sends its certificate alone): a failure that says how to trust it; with tlsVerify: false it is probed and named untrusted', async () => {
    const refused = await probeOne(target('nats', { url: server.url }), 3000);
    expect(refused.status).toBe('fail');
    expect(refused.error).toBe(
      'TLS: unable to verify the first certificate (trust its CA with NODE_EXTRA_CA_CERTS=ca.pem, or set tlsVerify: false on the target)',
    );
    const r = await probeOne(target('nats', { url: server.url, tlsVerify: false }), 3000);
    expect(r.status, r.error).toBe('warn');
    expect([value(r, 'tls_enabled'), value(r, 'tls_valid'), value(r, 'tls_required')]).toEqual([1, 0, 1]);
  });
});

describe('TLS servers that misbehave: every reading ends within its budget with the cause in words', () => {
  const sockets = new Set<Socket>();
  const servers: { close(): void }[] = [];
  const listen = async (server: ReturnType<typeof createTcpServer>) => {
    server.on('connection', (s: Socket) => sockets.add(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    servers.push(server);
    return (server.address() as { port: number }).port;
  };
  afterAll(() => {
    sockets.forEach((s) => s.destroy());
    servers.forEach((s) => s.close());
  });

  it('a server that accepts and never answers the ClientHello', async () => {
    const port = await listen(createTcpServer(() => undefined));
    const t0 = performance.now();
    await expect(inspectTls('127.0.0.1', port, 'direct', 300)).rejects.toThrow('the TLS handshake did not finish within 300 ms');
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('a server that agrees to PostgreSQL TLS (S) and then stalls; one that declines (N) offers none', async () => {
    const stalls = await listen(createTcpServer((s) => s.once('data', () => s.write('S'))));
    await expect(inspectTls('127.0.0.1', stalls, 'postgres', 300)).rejects.toThrow('did not finish within 300 ms');
    const declines = await listen(createTcpServer((s) => s.once('data', () => s.write('N'))));
    expect(await inspectTls('127.0.0.1', declines, 'postgres', 1000)).toEqual({ offered: false });
  });

  it('a chain of 50 certificates: read whole, named untrusted, in bounded time', async () => {
    const { key, chain } = longChainFor(['IP:127.0.0.1'], 50);
    const port = await listen(
      createHttpsServer({ key: pem(key), cert: pem(chain) }, (_req, res) => res.end('ok')) as unknown as ReturnType<typeof createTcpServer>,
    );
    const seen = await inspectTls('127.0.0.1', port, 'direct', 5000);
    expect(seen.facts?.chainLength).toBe(50);
    expect(seen.facts?.valid).toBe(false);
    const r = await probeOne(target('http', { url: `https://127.0.0.1:${port}/`, tlsVerify: false }), 3000);
    expect(r.error ?? '').not.toMatch(/timeout/i);
    expect(r.details.certificate_not_trusted).toMatch(/^[A-Z_]+$/);
  });
});
