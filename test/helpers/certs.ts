import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from './services.js';

export interface Certificate {
  /** PEM files: the key and certificate, and the CA that signed it (trust it with NODE_EXTRA_CA_CERTS). */
  key: string;
  cert: string;
  ca: string;
}

/**
 * A private CA and a server certificate it signs for the given subjectAltNames (`IP:127.0.0.1`,
 * `DNS:localhost`), made with openssl as an operator would: a certificate chain that is valid, not a
 * self-signed one that every client must be told to ignore.
 */
export function certificateFor(altNames: string[], days = 30): Certificate {
  const openssl = requireBinary('openssl', 'openssl');
  const dir = mkdtempSync(join(tmpdir(), 'validate-certs-'));
  const run = (...args: string[]) => execFileSync(openssl, args, { cwd: dir, stdio: 'pipe' });
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '30',
    '-subj',
    '/CN=validate test CA',
  );
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=validate test server');
  writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=${altNames.join(',')}\n`);
  run(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    String(days),
    '-extfile',
    'ext.cnf',
  );
  return { key: join(dir, 'server.key'), cert: join(dir, 'server.pem'), ca: join(dir, 'ca.pem') };
}

export const pem = (file: string) => readFileSync(file);

/** A certificate that vouches for itself (its issuer is its subject), as a quick internal setup has. */
export function selfSignedFor(altNames: string[], days = 30): Omit<Certificate, 'ca'> {
  const openssl = requireBinary('openssl', 'openssl');
  const dir = mkdtempSync(join(tmpdir(), 'validate-certs-'));
  execFileSync(
    openssl,
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'key.pem',
      '-out',
      'cert.pem',
      '-days',
      String(days),
      '-subj',
      '/CN=validate self-signed',
      '-addext',
      `subjectAltName=${altNames.join(',')}`,
    ],
    { cwd: dir, stdio: 'pipe' },
  );
  return { key: join(dir, 'key.pem'), cert: join(dir, 'cert.pem') };
}

/**
 * A chain of `length` certificates, each CA signing the next (EC keys: fast to make), ending in a server
 * certificate for `altNames`: what a misconfigured server that sends its whole bundle serves.
 */
export function longChainFor(altNames: string[], length: number): { key: string; chain: string } {
  const openssl = requireBinary('openssl', 'openssl');
  const dir = mkdtempSync(join(tmpdir(), 'validate-chain-'));
  const run = (...args: string[]) => execFileSync(openssl, args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('req', '-x509', ...ec, '-keyout', 'ca0.key', '-out', 'ca0.pem', '-days', '30', '-subj', '/CN=chain 0');
  writeFileSync(join(dir, 'ca.cnf'), 'basicConstraints=critical,CA:TRUE\n');
  writeFileSync(join(dir, 'leaf.cnf'), `subjectAltName=${altNames.join(',')}\n`);
  for (let i = 1; i < length; i++) {
    const leaf = i === length - 1;
    run('req', ...ec, '-keyout', `ca${i}.key`, '-out', `ca${i}.csr`, '-subj', `/CN=${leaf ? 'server' : `chain ${i}`}`);
    run(
      'x509',
      '-req',
      '-in',
      `ca${i}.csr`,
      '-CA',
      `ca${i - 1}.pem`,
      '-CAkey',
      `ca${i - 1}.key`,
      '-CAcreateserial',
      '-out',
      `ca${i}.pem`,
      '-days',
      '30',
      '-extfile',
      leaf ? 'leaf.cnf' : 'ca.cnf',
    );
  }
  const pems = Array.from({ length }, (_, i) => readFileSync(join(dir, `ca${length - 1 - i}.pem`), 'utf8'));
  writeFileSync(join(dir, 'chain.pem'), pems.join(''));
  return { key: join(dir, `ca${length - 1}.key`), chain: join(dir, 'chain.pem') };
}

/** A redis-server's arguments for a TLS port serving this certificate, clients not asked for one of their own. */
export function redisTlsArgs(tlsPort: number, c: Certificate): string[] {
  return [
    '--tls-port',
    String(tlsPort),
    '--tls-cert-file',
    c.cert,
    '--tls-key-file',
    c.key,
    '--tls-ca-cert-file',
    c.ca,
    '--tls-auth-clients',
    'no',
  ];
}
