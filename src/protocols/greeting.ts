import { connect as netConnect } from 'node:net';
import type { Endpoint } from './network-errors.js';

export interface Greeting {
  /** Its first line (without the CRLF), or what came before the wait ran out; '' if it said nothing. */
  text: string;
  /** The line ended within the wait. */
  complete: boolean;
}

/**
 * What a server says on its own the moment it accepts a connection, up to the end of its first line or
 * the wait: a NATS server's INFO, a Redis at maxclients' "-ERR max number of clients reached". A failure
 * to connect rejects with its cause.
 */
export function greeting(at: Endpoint, waitMs: number): Promise<Greeting> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ host: String(at.host), port: Number(at.port) });
    let text = '';
    const done = (f: () => void) => {
      clearTimeout(timer);
      s.destroy();
      f();
    };
    const timer = setTimeout(() => done(() => resolve({ text, complete: false })), waitMs);
    s.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      const end = text.indexOf('\r\n');
      // A first line is well under 4 KiB for any server here; anything longer without an end is not one.
      if (end >= 0 || text.length > 4096) done(() => resolve({ text: end >= 0 ? text.slice(0, end) : text, complete: end >= 0 }));
    });
    s.once('error', (err) => done(() => reject(err)));
    s.once('close', () => done(() => resolve({ text, complete: false })));
  });
}
