import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type PeerCertificate, type TLSSocket } from 'node:tls';

export interface TlsFacts {
  protocol: string;
  cipher: string;
  /** When the server's certificate stops being valid (Unix time, ms). */
  expiresAt: number;
  /** Its issuer is its subject: no CA vouches for it. */
  selfSigned: boolean;
  /** The chain is trusted and names the host (what a verifying client accepts). */
  valid?: boolean;
  /** Why a verifying client would refuse it (OpenSSL's code, or the name mismatch). */
  invalidBecause?: string;
  /** Certificates the server sent, its own first. */
  chainLength?: number;
}

/** What the handshake on `s` showed: the certificate, the session's protocol and cipher, and whether it is trusted. */
export function tlsFacts(s: TLSSocket): TlsFacts {
  const cert = s.getPeerCertificate(true);
  const name = (x: object | undefined) => JSON.stringify(x ?? {});
  return {
    protocol: s.getProtocol() ?? 'unknown',
    cipher: s.getCipher()?.name ?? 'unknown',
    expiresAt: Date.parse(cert.valid_to),
    selfSigned: name(cert.subject) === name(cert.issuer),
    valid: s.authorized,
    ...(!s.authorized && { invalidBecause: String(s.authorizationError ?? 'not trusted') }),
    chainLength: chainLength(cert),
  };
}

/** Issuers followed until one repeats (a self-issued root points at itself); bounded however long the chain. */
function chainLength(cert: PeerCertificate & { issuerCertificate?: PeerCertificate }): number {
  const seen = new Set<string>();
  let c: (PeerCertificate & { issuerCertificate?: PeerCertificate }) | undefined = cert;
  while (c && c.fingerprint256 && !seen.has(c.fingerprint256) && seen.size < 1000) {
    seen.add(c.fingerprint256);
    c = c.issuerCertificate;
  }
  return seen.size;
}

/**
 * How a protocol asks for TLS on a connection it opened in the clear: PostgreSQL's SSLRequest (the server
 * answers S or N), NATS's INFO (TLS when it says tls_required or tls_available). `direct`: TLS from the first byte.
 */
export type TlsStart = 'direct' | 'postgres' | 'nats';

export interface TlsInspection {
  /** The server agreed to TLS; false: it offers none on this port (PostgreSQL's N, a NATS INFO without TLS). */
  offered: boolean;
  facts?: TlsFacts;
}

/**
 * One handshake to read a server's TLS as a verifying client would judge it, without trusting it first
 * (an untrusted or expiring certificate is a fact to report, not an error). Bounded by `timeoutMs`, however
 * slowly the server answers or however long a chain it sends.
 */
export async function inspectTls(host: string, port: number, start: TlsStart, timeoutMs: number): Promise<TlsInspection> {
  const bare = host.replace(/^\[|\]$/g, '');
  let tcp: Socket | undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      tcp?.destroy();
      reject(Object.assign(new Error(`the TLS handshake did not finish within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
  });
  try {
    return await Promise.race([timeout, handshake()]);
  } finally {
    clearTimeout(timer);
    tcp?.destroy();
  }

  async function handshake(): Promise<TlsInspection> {
    tcp = await open(bare, port);
    if (!(await askForTls(tcp, start))) return { offered: false };
    const s = tlsConnect({ socket: tcp, host: bare, servername: isIP(bare) ? undefined : bare, rejectUnauthorized: false });
    return await new Promise((resolve, reject) => {
      s.once('secureConnect', () => resolve({ offered: true, facts: tlsFacts(s) }));
      s.once('error', reject);
    });
  }
}

function open(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ host, port });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Runs the protocol's own request for TLS; false when the server says it has none. */
async function askForTls(s: Socket, start: TlsStart): Promise<boolean> {
  if (start === 'direct') return true;
  if (start === 'postgres') {
    const req = Buffer.alloc(8);
    req.writeInt32BE(8, 0);
    req.writeInt32BE(80877103, 4); // SSLRequest
    s.write(req);
    const answer = await readUntil(s, (b) => b.length >= 1);
    return answer[0] === 0x53; // 'S'
  }
  const info = await readUntil(s, (b) => b.includes('\r\n') || b.length > 65_536);
  const line = info.toString('latin1').split('\r\n')[0];
  if (!line.startsWith('INFO ')) throw new Error('not NATS: no INFO greeting');
  const said = JSON.parse(line.slice(5)) as { tls_required?: boolean; tls_available?: boolean };
  return Boolean(said.tls_required || said.tls_available);
}

function readUntil(s: Socket, enough: (b: Buffer) => boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (enough(got)) {
        s.off('data', onData);
        s.pause();
        resolve(got);
      }
    };
    s.on('data', onData);
    s.once('error', reject);
    s.once('close', () => reject(new Error('the server closed the connection before it answered the request for TLS')));
  });
}
