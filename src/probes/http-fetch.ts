import type { Dispatcher } from 'undici';

export interface FetchOptions {
  url: string;
  method: string;
  headers: Record<string, string>;
  maxBodyBytes: number;
  timeoutMs: number;
  tlsVerify: boolean;
  signal: AbortSignal;
  stage(what: string): void;
}

export interface FetchResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  truncated: boolean;
  ttfbMs: number;
  totalMs: number;
}

/**
 * One HTTP exchange on its own connection (no pool shared between probes, so a hostile server cannot
 * hold a socket another probe needs), body read up to a cap so a huge answer cannot exhaust memory.
 */
export async function fetchCapped(o: FetchOptions): Promise<FetchResult> {
  const { Client } = await import('undici');
  const url = new URL(o.url);
  const client = new Client(url.origin, {
    connectTimeout: o.timeoutMs,
    headersTimeout: o.timeoutMs,
    bodyTimeout: o.timeoutMs,
    connect: { rejectUnauthorized: o.tlsVerify },
  });
  const started = performance.now();
  try {
    o.stage('connecting and waiting for the response headers');
    const res: Dispatcher.ResponseData = await client.request({
      path: url.pathname + url.search,
      method: o.method as Dispatcher.HttpMethod,
      headers: o.headers,
      signal: o.signal,
    });
    const ttfbMs = performance.now() - started;
    o.stage(`reading the response body (status ${res.statusCode} received)`);
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    for await (const chunk of res.body) {
      const buf = chunk as Buffer;
      if (size + buf.length > o.maxBodyBytes) {
        chunks.push(buf.subarray(0, o.maxBodyBytes - size));
        size = o.maxBodyBytes;
        truncated = true;
        res.body.destroy();
        break;
      }
      chunks.push(buf);
      size += buf.length;
    }
    return { status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks), truncated, ttfbMs, totalMs: performance.now() - started };
  } finally {
    client.destroy().catch(() => undefined);
  }
}
