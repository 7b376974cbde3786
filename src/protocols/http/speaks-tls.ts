import { connect } from 'node:tls';
import { isIP } from 'node:net';

/**
 * Does host:port complete a TLS handshake? Asked only after a plain-HTTP request failed there (closed
 * without an answer, or answered with a TLS record): then the fix is one word, https://.
 */
export function speaksTls(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port, rejectUnauthorized: false, servername: isIP(host) ? undefined : host });
    const done = (yes: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve(yes);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    s.once('secureConnect', () => done(true));
    s.once('error', () => done(false));
  });
}

export const SPEAKS_TLS = 'it speaks TLS: use https://';
