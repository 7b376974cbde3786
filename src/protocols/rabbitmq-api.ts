import { fetchCapped, jsonOf } from './http/fetch.js';
import { classifyError, endpointOf } from './network-errors.js';

/**
 * RabbitMQ's management API (rabbitmq-plugins enable rabbitmq_management; port 15672), for what AMQP
 * cannot ask: unacknowledged messages, the broker's connections and its alarms (the probe), and closing
 * other clients' connections (the fault). Its users are the broker's: the AMQP URL's credentials serve
 * where the management URL gives none.
 */
export class ManagementError extends Error {}

export function managementBase(management: string, amqpUrl: string): URL {
  const base = new URL(management.endsWith('/') ? management : `${management}/`);
  const amqp = new URL(amqpUrl);
  if (!base.username && amqp.username) {
    base.username = amqp.username;
    base.password = amqp.password;
  }
  return base;
}

export interface ManagementCall {
  timeoutMs: number;
  signal: AbortSignal;
  stage(what: string): void;
  method?: 'GET' | 'DELETE';
  headers?: Record<string, string>;
}

/** A call's JSON answer (GET), or undefined (a DELETE's 204); every failure a ManagementError saying what. */
export async function managementCall(base: URL, path: string, o: ManagementCall): Promise<unknown> {
  const url = new URL(path, base);
  let res;
  try {
    res = await fetchCapped({
      url: url.href,
      method: o.method ?? 'GET',
      headers: o.headers ?? {},
      maxBodyBytes: 16 * 1024 * 1024,
      timeoutMs: o.timeoutMs,
      tlsVerify: true,
      signal: o.signal,
      stage: (st) => o.stage(`${url.pathname} of the management API: ${st}`),
    });
  } catch (err) {
    if (o.signal.aborted) throw err;
    throw new ManagementError(classifyError(err, endpointOf(base.href, 15672)));
  }
  if (res.status === 401)
    throw new ManagementError('HTTP 401: the management API refused the credentials (give them in the management URL)');
  if (o.method === 'DELETE' && (res.status === 204 || res.status === 404)) return undefined; // gone either way
  if (res.status !== 200) throw new ManagementError(`HTTP ${res.status} from ${url.pathname}`);
  if (res.truncated) throw new ManagementError(`the answer to ${url.pathname} is over 16 MiB`);
  const body = jsonOf(res.body);
  if (body === undefined) throw new ManagementError(`${url.pathname} did not answer JSON: not the RabbitMQ management API`);
  return body;
}
