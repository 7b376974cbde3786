import type { IClientOptions, MqttClient } from 'mqtt';
import { classifyError, endpointOf, type Endpoint } from './network-errors.js';
import { commonJs } from '../common-js.js';

/**
 * MQTT connections (3.1.1, or 5) for probes and bus traffic. The client library's own promise never
 * settles when a server closes the connection before CONNACK (a PostgreSQL does): the connection is
 * watched here for its first answer, close or error, under a timer of its own.
 */
export const MQTT_PORT = 1883;
export const MQTTS_PORT = 8883;

export interface MqttConnectOptions {
  timeoutMs: number;
  clientId: string;
  /** Reconnect as a service on the bus would (bus traffic), or give up at the first failure (probes). */
  reconnect: boolean;
  /** A session the broker keeps while the client is away (QoS 1 messages wait for it), or a clean one. */
  persistent?: boolean;
  tlsVerify?: boolean;
  /** Connect without the URL's credentials: does the broker let anyone in? */
  anonymous?: boolean;
}

export const mqttEndpoint = (url: string): Endpoint => endpointOf(url, url.startsWith('mqtts:') ? MQTTS_PORT : MQTT_PORT);

export async function connectMqtt(url: string, o: MqttConnectOptions): Promise<MqttClient> {
  const mod = await import('mqtt');
  const connect = mod.connect ?? commonJs(mod).connect;
  const u = new URL(url);
  const options: IClientOptions = {
    clientId: o.clientId,
    clean: !o.persistent,
    connectTimeout: o.timeoutMs,
    reconnectPeriod: o.reconnect ? 100 : 0,
    protocolVersion: 4,
    ...(!o.anonymous && u.username && { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) }),
    ...(url.startsWith('mqtts:') && { rejectUnauthorized: o.tlsVerify !== false }),
  };
  u.username = '';
  u.password = '';
  const client = connect(u.href, options);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new MqttTimeout(mqttEndpoint(url), o.timeoutMs)), o.timeoutMs);
      const settle = (f: () => void) => {
        clearTimeout(timer);
        client.removeListener('close', closed);
        f();
      };
      const closed = () => settle(() => reject(new MqttClosed(mqttEndpoint(url))));
      client.once('connect', () => settle(resolve));
      client.once('error', (err) => settle(() => reject(err)));
      client.once('close', closed);
    });
  } catch (err) {
    client.end(true);
    throw err;
  }
  // After CONNECT, a failure shows in what the caller does next; an 'error' with no listener would end the process.
  client.on('error', () => undefined);
  return client;
}

/** A bounded end: a broker that stopped reading would leave a graceful end waiting. */
export async function endMqtt(client: MqttClient | undefined, waitMs = 500): Promise<void> {
  if (!client) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([client.endAsync().catch(() => undefined), new Promise((r) => (timer = setTimeout(r, waitMs)))]);
  clearTimeout(timer);
  client.end(true);
}

class MqttTimeout extends Error {
  constructor(at: Endpoint, ms: number) {
    super(`timeout: ${at.host}:${at.port} did not answer CONNECT with CONNACK within ${ms} ms (is it an MQTT broker?)`);
  }
}

class MqttClosed extends Error {
  constructor(at: Endpoint) {
    super(`not MQTT: ${at.host}:${at.port} closed the connection instead of answering CONNECT`);
  }
}

/** CONNACK refusals, 3.1.1 codes and 5's reason codes. */
const REFUSED: Record<number, string> = {
  1: 'refused: the broker does not speak MQTT 3.1.1',
  2: 'refused: the broker rejected the client id',
  3: 'refused: the broker is unavailable',
  4: 'refused: bad user name or password: check the credentials in the URL',
  5: 'refused: not authorized: the broker requires credentials (give them in the URL: mqtt://user:pass@host)',
  134: 'refused: bad user name or password: check the credentials in the URL',
  135: 'refused: not authorized: the broker requires credentials (give them in the URL: mqtt://user:pass@host)',
};

/** One line for what went wrong talking to an MQTT broker. */
export function explainMqtt(err: unknown, at: Endpoint): string {
  if (err instanceof MqttTimeout || err instanceof MqttClosed) return err.message;
  const e = err as { code?: number | string; message?: string };
  if (typeof e.code === 'number' && REFUSED[e.code]) return `${REFUSED[e.code]} (${at.host}:${at.port})`;
  if (/header flag|packet|Invalid|Malformed/i.test(e.message ?? '') && e.code === undefined)
    return `not MQTT: ${at.host}:${at.port} answered CONNECT with something that is not an MQTT packet (${e.message})`;
  return classifyError(err, at);
}
