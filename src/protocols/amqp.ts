import { connect as netConnect } from 'node:net';
import type { Connection } from 'rabbitmq-client';
import { classifyError, endpointOf, type Endpoint } from './network-errors.js';
import { commonJs } from '../common-js.js';

/**
 * AMQP 0-9-1 connections (RabbitMQ) for probes and bus traffic. An AMQP server says nothing until the
 * client sends the protocol header; the client library then reads the answer's frame length as it comes,
 * and a server of another protocol (a NATS INFO line read as a 1.3 GB frame) crashed the process. So the
 * header is sent first here and the server's first frame checked: only a `connection.start` goes on.
 */
export const AMQP_PORT = 5672;
export const AMQPS_PORT = 5671;

export interface AmqpConnectOptions {
  timeoutMs: number;
  /** What the broker shows as the connection's name (rabbitmqctl list_connections client_properties). */
  name: string;
  /** Reconnect as a service on the bus would (bus traffic), or give up at the first failure (probes). */
  reconnect: boolean;
  tlsVerify?: boolean;
  stage?(what: string): void;
}

export const amqpEndpoint = (url: string): Endpoint => endpointOf(url, url.startsWith('amqps:') ? AMQPS_PORT : AMQP_PORT);

export async function connectAmqp(url: string, o: AmqpConnectOptions): Promise<Connection> {
  const at = amqpEndpoint(url);
  if (!url.startsWith('amqps:')) {
    o.stage?.('waiting for connection.start');
    await checkGreeting(at, Math.round(Math.min(1000, o.timeoutMs / 2)));
  }
  o.stage?.('waiting for the AMQP handshake (start, tune, open)');
  // It marks itself an ES module with `default` the class: loaders that honour the mark give the class as
  // `default`, the bundle gives module.exports; the named export is read first.
  const mod = await import('rabbitmq-client');
  const Connection = mod.Connection ?? commonJs(mod).Connection;
  const conn = new Connection({
    url,
    connectionName: o.name,
    connectionTimeout: o.timeoutMs,
    retryLow: 20,
    retryHigh: o.reconnect ? 500 : 20,
    ...(url.startsWith('amqps:') && { tls: o.tlsVerify === false ? { rejectUnauthorized: false } : true }),
  });
  // It retries on its own: a failure after the handshake shows in what the caller does next (a publish that
  // fails, a probe's round trip), and an 'error' with no listener would end the process.
  conn.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new AmqpTimeout(at)), o.timeoutMs);
    const fail = (err: unknown) => {
      clearTimeout(timer);
      conn.unsafeDestroy();
      reject(err);
    };
    conn.once('connection', () => {
      clearTimeout(timer);
      resolve();
    });
    // Without reconnecting, the first failure is the answer: a refused login does not get better.
    if (!o.reconnect) conn.once('error', fail);
  });
  return conn;
}

/** A bounded close: a broker that blocked the connection (an alarm) may never answer close. */
export async function closeAmqp(conn: Connection | undefined, waitMs = 1000): Promise<void> {
  if (!conn) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([conn.close().catch(() => undefined), new Promise((r) => (timer = setTimeout(r, waitMs)))]);
  clearTimeout(timer);
  conn.unsafeDestroy();
}

const HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1]);

/** Sends the protocol header; resolves when the answer is a method frame on channel 0 carrying connection.start. */
function checkGreeting(at: Endpoint, waitMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ host: String(at.host), port: Number(at.port) }, () => s.write(HEADER));
    let got = Buffer.alloc(0);
    const done = (err?: Error) => {
      clearTimeout(timer);
      s.destroy();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => done(new NotAmqpError(at, got, `said nothing within ${waitMs} ms of the AMQP header`)), waitMs);
    s.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length < 11) return;
      // type 1 (method), channel 0, a sane size, class 10 (connection) method 10 (start).
      const ok = got[0] === 1 && got.readUInt16BE(1) === 0 && got.readUInt32BE(3) < 1 << 20 && got.readUInt32BE(7) === 0x000a000a;
      done(ok ? undefined : new NotAmqpError(at, got));
    });
    s.once('error', (err) => done(err));
    s.once('close', () => done(new NotAmqpError(at, got, 'closed the connection after the AMQP header')));
  });
}

class NotAmqpError extends Error {
  constructor(at: Endpoint, got: Buffer, what?: string) {
    const where = `${at.host}:${at.port}`;
    const amqp = got.subarray(0, 4).toString('latin1') === 'AMQP';
    const text = got.subarray(0, 40).toString('latin1');
    const quoted = JSON.stringify(text.length < got.length ? `${text}…` : text);
    super(
      amqp
        ? `not AMQP 0-9-1: ${where} asked for protocol ${[...got.subarray(4, 8)].join('-')} (RabbitMQ speaks 0-9-1 on 5672; is this another broker's port?)`
        : `not AMQP: ${where} ${what ?? `answered the AMQP header with ${quoted}`}`,
    );
  }
}

class AmqpTimeout extends Error {
  constructor(at: Endpoint) {
    super(`timeout: ${at.host}:${at.port} did not complete the AMQP handshake in time`);
  }
}

/** One line for what went wrong talking to an AMQP broker. */
export function explainAmqp(err: unknown, at: Endpoint): string {
  if (err instanceof NotAmqpError || err instanceof AmqpTimeout) return err.message;
  const e = err as { code?: string; message?: string };
  const where = `${at.host}:${at.port}`;
  const said = (e.message ?? '').replace(/^[A-Za-z]+: /, '').replace(/^undefined: /, '');
  switch (e.code) {
    case 'ACCESS_REFUSED':
      return `access refused: ${where} refused the login: check the user and password in the URL (guest may log in only from localhost)`;
    case 'NOT_ALLOWED':
      return `not allowed: ${said} (the vhost is the URL's path: amqp://host/vhost, %2F for "/")`;
    case 'NOT_FOUND':
      return `not found: ${said}`;
    case 'CONNECTION_TIMEOUT':
      return `timeout: ${where} did not complete the AMQP handshake in time`;
    case 'CONN_CLOSE':
      return `connection closed by ${where}`;
  }
  if (typeof e.code === 'string' && /^[A-Z_]+$/.test(e.code) && !e.code.startsWith('E'))
    return `${e.code.toLowerCase().replace(/_/g, ' ')}: ${said}`;
  return classifyError(err, at);
}
