import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateFor, pem, selfSignedFor, type Certificate } from '../helpers/certs.js';
import { runCli } from '../helpers/cli.js';

/**
 * An https probe checks the certificate against the host it was given: an IP address against the
 * certificate's IP names (and sends no SNI, which may not carry an address), a DNS name against its DNS
 * names (and sends it as SNI). Real TLS servers with a certificate from a private CA the process trusts
 * (NODE_EXTRA_CA_CERTS, as an operator would), and curl as the independent judge of the same certificate.
 */
interface Served {
  server: Server;
  port: number;
  /** The SNI each handshake carried (false: none). */
  sni: (string | false)[];
}

async function serve(cert: Certificate): Promise<Served> {
  const sni: (string | false)[] = [];
  const server = createServer({ key: pem(cert.key), cert: pem(cert.cert) }, (_req, res) => res.writeHead(200).end('ok'));
  server.on('secureConnection', (s: TLSSocket) => sni.push((s as TLSSocket & { servername: string | false }).servername));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as { port: number }).port, sni };
}

const probe = (url: string, ca: string) =>
  runCli(['probe', '--http', `web=${url}`, '--format', 'json'], { env: { NODE_EXTRA_CA_CERTS: ca } });

describe('https identity: IP addresses and DNS names, with and without SNI', () => {
  // One certificate per identity: an address only, a name only (a certificate naming both would pass an
  // address checked as "localhost", the bug this guards against), and other names.
  let ip: Served;
  let dns: Served;
  let other: Served;
  let ipCert: Certificate;
  let dnsCert: Certificate;
  let otherCert: Certificate;
  beforeAll(async () => {
    ipCert = certificateFor(['IP:127.0.0.1']);
    dnsCert = certificateFor(['DNS:localhost']);
    otherCert = certificateFor(['DNS:other.example', 'IP:10.9.8.7']);
    [ip, dns, other] = await Promise.all([serve(ipCert), serve(dnsCert), serve(otherCert)]);
  });
  afterAll(() => {
    for (const s of [ip, dns, other]) s?.server.close();
  });

  it('an IP address with a certificate naming it passes, as curl says, and no SNI is sent', async () => {
    const r = await probe(`https://127.0.0.1:${ip.port}/`, ipCert.ca);
    const report = JSON.parse(r.stdout);
    expect(report.probes[0], r.stderr).toMatchObject({ status: 'pass' });
    expect(ip.sni.at(-1)).toBe(false);
    expect(await runCurl(`https://127.0.0.1:${ip.port}/`, ipCert.ca)).toBe(0);
  });

  it('a DNS name with a certificate naming it passes, and is sent as SNI', async () => {
    const r = await probe(`https://localhost:${dns.port}/`, dnsCert.ca);
    expect(JSON.parse(r.stdout).probes[0], r.stderr).toMatchObject({ status: 'pass' });
    expect(dns.sni.at(-1)).toBe('localhost');
    expect(await runCurl(`https://localhost:${dns.port}/`, dnsCert.ca)).toBe(0);
  });

  it('a certificate for other names fails on the address, naming it, as curl refuses it too', async () => {
    const r = await probe(`https://127.0.0.1:${other.port}/`, otherCert.ca);
    const p = JSON.parse(r.stdout).probes[0];
    expect(p.status).toBe('fail');
    expect(p.error).toContain("IP: 127.0.0.1 is not in the cert's list: 10.9.8.7");
    expect(r.code).toBe(1);
    expect(await runCurl(`https://127.0.0.1:${other.port}/`, otherCert.ca)).not.toBe(0);
  });
});

async function runCurl(url: string, ca: string): Promise<number | null> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve) => spawn('curl', ['-sS', '-o', '/dev/null', '--cacert', ca, url], { stdio: 'ignore' }).on('close', resolve));
}

describe('https certificate expiry: warn from 21 days, block under 7 (the defaults), as openssl reads the certificate', () => {
  const endDate = (cert: string) => {
    const out = execFileSync('openssl', ['x509', '-enddate', '-noout', '-in', cert], { encoding: 'utf8' });
    return Date.parse(out.trim().replace(/^notAfter=/, ''));
  };
  const served: Served[] = [];
  afterAll(() => served.forEach((s) => s.server.close()));
  const expiringIn = async (days: number) => {
    const cert = certificateFor(['IP:127.0.0.1'], days);
    const s = await serve(cert);
    served.push(s);
    const before = Date.now();
    const r = await probe(`https://127.0.0.1:${s.port}/`, cert.ca);
    const expected = (endDate(cert.cert) - before) / 86_400_000;
    return { r, p: JSON.parse(r.stdout).probes[0], expected };
  };
  const daysLeft = (p: { measurements: { metric: string; value: number }[] }) =>
    p.measurements.find((m) => m.metric === 'tls_expires_in_days')!.value;

  it('5 days left: the target fails, and the verdict is NO-GO, saying when and what to do', async () => {
    const { r, p, expected } = await expiringIn(5);
    expect(daysLeft(p)).toBeCloseTo(expected, 1);
    expect(p.status).toBe('fail');
    expect(p.error).toMatch(
      /^TLS certificate expires in 5\.0 days \(\d{4}-\d\d-\d\d\): under the 7 days required; renew it before go-live$/,
    );
    expect(r.code).toBe(1);
  });

  it('a self-signed certificate is named so (issuer = subject, as openssl prints them); one from a CA is not', async () => {
    const own = selfSignedFor(['IP:127.0.0.1']);
    const s = await serve({ ...own, ca: own.cert });
    served.push(s);
    const subject = execFileSync('openssl', ['x509', '-noout', '-subject', '-issuer', '-in', own.cert], { encoding: 'utf8' })
      .trim()
      .split('\n');
    expect(subject[0].replace(/^subject=/, '')).toBe(subject[1].replace(/^issuer=/, ''));
    const r = await runCli(['probe', '--format', 'json', '--http', `web=https://127.0.0.1:${s.port}/`], {
      env: { NODE_EXTRA_CA_CERTS: own.cert },
    });
    const p = JSON.parse(r.stdout).probes[0];
    expect(p.measurements.find((m: { metric: string }) => m.metric === 'tls_self_signed').value).toBe(1);
    expect(p.details.self_signed_certificate).toBe(true);
    const { p: signed } = await expiringIn(60);
    expect(signed.measurements.find((m: { metric: string }) => m.metric === 'tls_self_signed').value).toBe(0);
  });

  it('15 days left: a warning, still GO; 60 days: nothing to say, and the protocol is shown', async () => {
    const soon = await expiringIn(15);
    expect(daysLeft(soon.p)).toBeCloseTo(soon.expected, 1);
    expect(soon.p.status).toBe('warn');
    expect(soon.p.warnings).toEqual([
      expect.stringMatching(/^TLS certificate expires in 1[45]\.\d days .*: renew it within 21 days of expiry$/),
    ]);
    expect(soon.r.code).toBe(0);
    const fine = await expiringIn(60);
    expect(fine.p).toMatchObject({ status: 'pass', warnings: [] });
    expect(fine.p.details.tls).toMatch(/^TLSv1\.3 /);
    expect(daysLeft(fine.p)).toBeCloseTo(fine.expected, 1);
  });
});
