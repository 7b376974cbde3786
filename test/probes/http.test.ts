import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeOne } from '../../src/run/probe-one.js';
import {
  drippingServer,
  endlessHeadersServer,
  engineServer,
  hangingServer,
  hugeBodyServer,
  notHttpServer,
  shortBodyServer,
  type TestServer,
} from '../helpers/hostile.js';
import { freePort } from '../helpers/ports.js';
import { target } from '../helpers/targets.js';
import { createServer as createHttpServer } from 'node:http';

const servers: TestServer[] = [];
const start = async (s: Promise<TestServer>) => {
  const server = await s;
  servers.push(server);
  return server;
};
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('engine probe', () => {
  let healthy: TestServer;
  beforeAll(async () => {
    healthy = await start(engineServer(200, { status: 'healthy', version: '3.1.0', uptime_seconds: 7200, checks: { redis: 'ok' } }));
  });

  it('passes a healthy engine and reads its health document', async () => {
    const r = await probeOne(
      target('engine', { url: healthy.url, expect: { body: ['status == healthy', 'checks.redis == "ok"', 'uptime_seconds > 60'] } }),
      2000,
    );
    expect(r.status).toBe('pass');
    expect(r.details).toMatchObject({ status: 'healthy', version: '3.1.0', status_code: 200 });
    expect(r.measurements).toContainEqual({ metric: 'uptime_seconds', value: 7200, unit: 'seconds' });
    expect(r.latencyMs).toBeGreaterThan(0);
  });

  it('fails a body assertion and says what it found', async () => {
    const r = await probeOne(target('engine', { url: healthy.url, expect: { body: ['checks.redis == down', 'version == 4'] } }), 2000);
    expect(r.status).toBe('fail');
    expect(r.error).toBe('body assertion failed: checks.redis == down (found "ok"); body assertion failed: version == 4 (found "3.1.0")');
  });

  it('fails an engine in maintenance even before the status code', async () => {
    const s = await start(engineServer(503, { status: 'maintenance' }));
    const r = await probeOne(target('engine', { url: s.url }), 2000);
    expect(r.status).toBe('fail');
    expect(r.error).toBe('engine reports status "maintenance"; HTTP 503, expected 2xx');
  });

  it('fails an engine that answers 200 but calls itself unhealthy', async () => {
    const s = await start(engineServer(200, { status: 'unhealthy' }));
    expect((await probeOne(target('engine', { url: s.url }), 2000)).error).toBe('engine reports status "unhealthy"');
  });
});

describe('engine health documents: what the engine says about itself', () => {
  it.each([
    [{ status: 'degraded' }, 'warn', 'engine reports status "degraded"'],
    [
      { status: 'warn', checks: { 'redis:connections': [{ status: 'warn' }], 'db:latency': [{ status: 'pass' }] } },
      'warn',
      'engine reports status "warn": redis degraded',
    ],
    [
      {
        status: 'pass',
        checks: {
          'engine-bus:responseTime': [{ status: 'pass', observedValue: 1.2, observedUnit: 'ms' }],
          'disk:free': [{ status: 'warn' }],
        },
      },
      'warn',
      'engine reports status "pass" but its checks do not all pass: disk degraded',
    ],
    [{ status: 'purple' }, 'warn', 'engine reports status "purple", which is not a word known to mean healthy'],
    [{ status: 'Major Outage' }, 'fail', undefined],
    [{ status: 'UP' }, 'pass', undefined],
  ])('%j is %s', async (doc, status, warning) => {
    const s = await start(engineServer(200, doc));
    const r = await probeOne(target('engine', { url: s.url }), 2000);
    expect(r.status).toBe(status);
    if (warning) expect(r.warnings).toEqual([warning]);
    if (status === 'fail') expect(r.error).toBe(`engine reports status "${doc.status}"`);
  });

  it('up while its bus is down is not healthy: each dependency an edge, its latency, a criterion over them', async () => {
    const doc = {
      status: 'pass',
      checks: {
        'engine-bus:responseTime': [{ status: 'fail', observedValue: 2, observedUnit: 's' }],
        'orders-db:connections': [{ status: 'pass' }],
        'orders-db:responseTime': [{ status: 'pass', observedValue: 0.8, observedUnit: 'ms' }],
      },
    };
    const s = await start(engineServer(200, doc));
    const r = await probeOne(target('engine', { url: s.url }), 2000);
    expect(r.status).toBe('fail');
    expect(r.error).toBe("dependency engine-bus down, as the engine's own health checks report");
    const series = (metric: string) => r.measurements.filter((m) => m.metric === metric).map((m) => [m.labels?.dependency, m.value]);
    expect(series('dependency_up')).toEqual([
      ['engine-bus', 0],
      ['orders-db', 1],
    ]);
    expect(series('dependency_latency_ms')).toEqual([
      ['engine-bus', 2000],
      ['orders-db', 0.8],
    ]);
    expect(series('dependencies_down')).toEqual([[undefined, 1]]);
    // Spring Boot's actuator shape, composites flattened.
    const spring = await start(
      engineServer(200, { status: 'UP', components: { db: { status: 'UP' }, redis: { status: 'DOWN' }, ping: { status: 'UP' } } }),
    );
    const sr = await probeOne(target('engine', { url: spring.url }), 2000);
    expect(sr.error).toBe("dependency redis down, as the engine's own health checks report");
    expect(sr.measurements.find((m) => m.metric === 'dependencies')?.value).toBe(3);
  });
});

describe('probe response time is the request on a warm connection; connect is reported apart', () => {
  // The comparison with curl's time_total is a timing, so it is a figure in bench/probe-vs-curl.ts, not an
  // assertion here. What cannot be noise: the time includes the server's own delay, and connect is its own row.
  it("the response time holds the server's 40 ms and comes from repeats on the same connection", async () => {
    // A real HTTP server that counts its connections and requests: warm means two requests, one connection.
    const seen = { connections: 0, requests: 0 };
    const server = createHttpServer((req, res) => {
      seen.requests++;
      req.resume();
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy"}'), 40);
    }).on('connection', () => seen.connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const r = await probeOne(target('engine', { url }), 2000);
      expect(r.status).toBe('pass');
      expect(seen.connections).toBe(1);
      expect(seen.requests).toBeGreaterThanOrEqual(2); // the first, then the warm repeats

      const m = (name: string) => r.measurements.find((x) => x.metric === name)?.value;
      expect(m('connect_ms')).toBeGreaterThan(0);
      expect(m('first_response_ms')).toBeGreaterThanOrEqual(40);
      expect(r.latencyMs).toBeGreaterThanOrEqual(40);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('http probe against misbehaving servers', () => {
  it('HTTP 500 is a failure naming the status', async () => {
    const s = await start(engineServer(500, { error: 'boom' }));
    const r = await probeOne(target('http', { url: `${s.url}/x` }), 2000);
    expect(r).toMatchObject({ status: 'fail', error: 'HTTP 500, expected 2xx' });
    expect(r.measurements).toContainEqual({ metric: 'status_code', value: 500, unit: 'number' });
  });

  it('an expected non-2xx status passes', async () => {
    const s = await start(engineServer(401, {}));
    expect((await probeOne(target('http', { url: s.url, expect: { status: [401, 403] } }), 2000)).status).toBe('pass');
  });

  it('a server that accepts and never answers times out, saying so', async () => {
    const s = await start(hangingServer());
    const r = await probeOne(target('http', { url: s.url }), 300);
    expect(r.status).toBe('fail');
    expect(r.error).toBe('timeout after 300 ms connecting and waiting for the response headers');
  });

  it('a body that drips forever times out while reading the body', async () => {
    const s = await start(drippingServer(50));
    const r = await probeOne(target('http', { url: s.url }), 400);
    expect(r.error).toBe('timeout after 400 ms reading the response body (status 200 received) (connected, but it never answered)');
  });

  it('a huge body is read only up to maxBodyBytes', async () => {
    const s = await start(hugeBodyServer(50 * 1024 * 1024));
    const r = await probeOne(target('http', { url: s.url, maxBodyBytes: 65536 }), 5000);
    expect(r.status).toBe('pass');
    expect(r.details.body_truncated).toBe(true);
    expect(r.measurements).toContainEqual({ metric: 'body_bytes', value: 65536, unit: 'bytes' });
  });

  it('a huge body with assertions fails saying the body was too large', async () => {
    const s = await start(hugeBodyServer(4 * 1024 * 1024));
    const r = await probeOne(target('http', { url: s.url, maxBodyBytes: 1024, expect: { body: ['status == ok'] } }), 5000);
    expect(r.error).toBe('body is larger than maxBodyBytes (1024); cannot check "status == ok"');
  });

  it('something that is not HTTP is named as such', async () => {
    const s = await start(notHttpServer());
    const r = await probeOne(target('http', { url: s.url }), 2000);
    expect(r.error).toBe(`not HTTP: 127.0.0.1:${s.port} answered with something that is not an HTTP response`);
  });

  it("endless headers are named as such, not as a parser's code", async () => {
    const s = await start(endlessHeadersServer());
    expect((await probeOne(target('http', { url: s.url }), 2000)).error).toBe(
      `the response head from 127.0.0.1:${s.port} is too large (over 16 KiB of headers): not a sane HTTP answer`,
    );
  });

  it('a body cut short is that, not a server that never answered', async () => {
    const s = await start(shortBodyServer());
    expect((await probeOne(target('http', { url: s.url }), 2000)).error).toBe(
      'the connection closed in the middle of the response body (status 200 received)',
    );
  });

  it('a closed port is connection refused', async () => {
    const port = await freePort();
    const r = await probeOne(target('http', { url: `http://127.0.0.1:${port}/health` }), 2000);
    expect(r.error).toBe(`connection refused: nothing is listening on 127.0.0.1:${port}`);
  });

  it('an unknown host is a DNS failure', async () => {
    const r = await probeOne(target('http', { url: 'http://no-such-host.invalid/health' }), 2000);
    expect(r.error).toBe('DNS: cannot resolve host "no-such-host.invalid"');
  });

  it('TLS to a plain HTTP server is a TLS failure', async () => {
    const s = await start(engineServer());
    const r = await probeOne(target('http', { url: `https://127.0.0.1:${s.port}/` }), 2000);
    expect(r.error).toMatch(/^TLS: /);
  });
});
