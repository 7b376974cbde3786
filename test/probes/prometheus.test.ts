import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeOne } from '../../src/run/probe-one.js';
import type { ProbeResult } from '../../src/results/result.js';
import { engineServer, type TestServer } from '../helpers/hostile.js';
import { createServer } from 'node:http';
import { freePort, waitFor } from '../helpers/ports.js';
import { startPrometheus, type Running } from '../helpers/services.js';
import { target } from '../helpers/targets.js';

const value = (r: ProbeResult, metric: string, labels?: Record<string, string>) =>
  r.measurements.find((m) => m.metric === metric && JSON.stringify(m.labels) === JSON.stringify(labels))?.value;

describe('prometheus probe against a real Prometheus', () => {
  let prom: Running & { downPort: number };
  let notProm: TestServer;
  beforeAll(async () => {
    prom = await startPrometheus();
    notProm = await engineServer(200, { hello: 'world' });
  });
  afterAll(async () => {
    await prom?.stop();
    await notProm?.close();
  });

  it('reports readiness, down targets, firing alerts by severity, and PromQL scalars', async () => {
    const queries = [
      { name: 'answer', query: 'test_answer' },
      { name: 'ratio_pct', query: 'scalar(vector(12.5))', unit: 'percent' },
      { name: 'many', query: 'up' },
      { name: 'nothing', query: 'absent_metric_xyz' },
    ];
    const r = await probeOne(target('prometheus', { url: prom.url, queries }), 3000);
    expect(value(r, 'ready')).toBe(1);
    expect(value(r, 'targets_total')).toBe(2);
    expect(value(r, 'targets_down')).toBe(1);
    expect(value(r, 'alerts_firing')).toBe(1);
    expect(value(r, 'alerts_firing', { severity: 'critical' })).toBe(1);
    expect(value(r, 'alerts_firing', { severity: 'warning' })).toBe(0);
    expect(value(r, 'answer')).toBe(42);
    expect(r.measurements).toContainEqual({ metric: 'ratio_pct', value: 12.5, unit: 'percent' });
    expect(r.status).toBe('warn');
    expect(r.warnings).toEqual([
      `1 scrape target(s) down: 127.0.0.1:${prom.downPort}`,
      '1 alert(s) firing: AlwaysFiring',
      'query "many": returned 2 series; aggregate it to one (e.g. sum(...))',
      'query "nothing": returned no data',
    ]);
  });

  it('a PromQL syntax error is reported with Prometheus\'s own explanation', async () => {
    const r = await probeOne(target('prometheus', { url: prom.url, queries: [{ name: 'bad', query: 'sum(' }] }), 3000);
    expect(r.status).toBe('fail');
    expect(r.error).toMatch(/^\/api\/v1\/query\?query=sum\(: .*parse error/);
  });

  it('an HTTP server that is not Prometheus is named as such', async () => {
    const r = await probeOne(target('prometheus', { url: notProm.url }), 2000);
    expect(r.error).toBe('/api/v1/targets?state=active answered HTTP 200 with something that is not the Prometheus API');
  });

  it('counts remote restarts: a scraped process whose start time changes, and a target that came up', async () => {
    // The "gone" scrape target comes to life (an up flap), then restarts (its start time changes).
    let startTime = 1_000;
    const exporter = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`process_start_time_seconds ${startTime}\n`));
    await new Promise<void>((r) => exporter.listen(prom.downPort, '127.0.0.1', () => r()));
    try {
      const probe = () => probeOne(target('prometheus', { url: prom.url, restartWindow: '10m' }), 3000);
      await waitFor('the exporter scraped once', async () => value(await probe(), 'up_flaps')! >= 1, 20_000);
      startTime = 2_000;
      let r = await probe();
      await waitFor('the restart scraped', async () => value((r = await probe()), 'restarts')! >= 1, 20_000);
      expect(value(r, 'restarts')).toBe(1);
      expect(value(r, 'up_flaps')).toBe(1);
      expect(r.warnings).toContain('1 process restart(s) in the last 600s');
    } finally {
      exporter.close();
    }
  });

  it('nothing listening is connection refused', async () => {
    const port = await freePort();
    expect((await probeOne(target('prometheus', { url: `http://127.0.0.1:${port}` }), 2000)).error).toBe(`connection refused: nothing is listening on 127.0.0.1:${port}`);
  });
});
