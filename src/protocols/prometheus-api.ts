import { fetchCapped, withUrlCredentials, type FetchResult } from './http/fetch.js';

/** Thrown when an answer does not have the shape of the Prometheus HTTP API; the message says what came back. */
export class NotPrometheusError extends Error {}

export interface PrometheusApi {
  /** A raw GET (for /-/ready). */
  get(path: string): Promise<FetchResult>;
  /** The `data` of an API answer, checked to be an object; throws with Prometheus's own error otherwise. */
  data(path: string): Promise<Record<string, unknown>>;
}

export interface ApiOptions {
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  tlsVerify: boolean;
  signal: AbortSignal;
  stage(what: string): void;
}

const MAX_BODY = 8 * 1024 * 1024;

/**
 * The Prometheus HTTP API envelope `{status, data, errorType, error}`. Credentials in the URL become a
 * basic Authorization header (a reverse proxy in front of Prometheus usually asks for one). Anything that is not that envelope (an HTML login page, a proxy's error,
 * `data: null`) is a NotPrometheusError naming the path, never a TypeError later.
 */
export function prometheusApi(o: ApiOptions): PrometheusApi {
  const base = new URL(o.url);
  const headers = withUrlCredentials(base, o.headers);
  base.username = '';
  base.password = '';
  const root = base.toString().replace(/\/$/, '');
  const get = (path: string) =>
    fetchCapped({
      url: root + path,
      method: 'GET',
      headers,
      maxBodyBytes: MAX_BODY,
      timeoutMs: o.timeoutMs,
      tlsVerify: o.tlsVerify,
      signal: o.signal,
      stage: (s) => o.stage(`${path.split('?')[0]}: ${s}`),
    });
  return {
    get,
    async data(path) {
      const res = await get(path);
      const what = path.split('?')[0];
      let body: unknown;
      try {
        body = JSON.parse(res.body.toString('utf8'));
      } catch {
        throw new NotPrometheusError(`${what} answered HTTP ${res.status} with something that is not JSON: not the Prometheus API`);
      }
      const env = (body ?? {}) as { status?: unknown; data?: unknown; error?: unknown; errorType?: unknown };
      if (env.status === 'error') throw new Error(`${what}: ${typeof env.error === 'string' ? env.error : `HTTP ${res.status}`}`);
      if (env.status !== 'success' || env.data === null || typeof env.data !== 'object' || Array.isArray(env.data)) {
        throw new NotPrometheusError(
          `${what} answered HTTP ${res.status} with JSON that is not the Prometheus API (expected {"status":"success","data":{...}})`,
        );
      }
      return env.data as Record<string, unknown>;
    },
  };
}

/** An array field of an API answer, or a NotPrometheusError naming it. */
export function arrayField<T>(data: Record<string, unknown>, field: string, path: string): T[] {
  const v = data[field];
  if (!Array.isArray(v)) throw new NotPrometheusError(`${path} answered without a "${field}" list: not the Prometheus API`);
  return v as T[];
}

/** A label set as the API gives it; anything malformed becomes an empty set rather than a crash. */
export function labelsOf(v: unknown): Record<string, string> {
  if (!v || typeof v !== 'object') return {};
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => typeof x === 'string')) as Record<
    string,
    string
  >;
}

/** A number, or the reason an instant query did not give exactly one. */
export async function scalarOf(api: PrometheusApi, query: string): Promise<number | string> {
  const path = `/api/v1/query?query=${encodeURIComponent(query)}`;
  const data = await api.data(path);
  const result = data.result;
  if (data.resultType === 'scalar' && Array.isArray(result)) return Number(result[1]);
  if (data.resultType === 'vector' && Array.isArray(result)) {
    if (result.length === 1) return Number((result[0] as { value?: [number, string] }).value?.[1]);
    return result.length === 0 ? 'returned no data' : `returned ${result.length} series; aggregate it to one (e.g. sum(...))`;
  }
  if (typeof data.resultType !== 'string')
    throw new NotPrometheusError('/api/v1/query answered without a resultType: not the Prometheus API');
  return `returned a ${data.resultType}; use an instant query giving one number`;
}
