import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grafanaSim, type GrafanaSimState } from '../../src/demo/grafana-sim.js';
import { probeOne } from '../../src/run/probe-one.js';
import { runCli } from '../helpers/cli.js';
import { target } from '../helpers/targets.js';

/**
 * No Grafana can be installed on these machines, so the probe is tested against a real HTTP server that
 * answers as Grafana's documented API does (src/demo/grafana-sim.ts, also the demo's): /api/health,
 * datasources and their health, dashboards by UID, and Grafana-managed alerts under /api/prometheus/grafana.
 */
const TOKEN = 'glsa_test_token_123';
const state: GrafanaSimState = {
  token: TOKEN,
  database: 'ok',
  datasources: [
    { uid: 'prom', name: 'Prometheus', type: 'prometheus', health: 'OK' },
    { uid: 'pg', name: 'Trading DB', type: 'postgres', health: 'ERROR', message: 'dial tcp 10.0.0.5:5432: connect: connection refused' },
    { uid: 'tempo', name: 'Tempo', type: 'tempo', health: 'none' },
  ],
  dashboards: ['platform-overview'],
  alerts: [{ labels: { alertname: 'BusLag', severity: 'warning', bus: 'md' }, state: 'Alerting' }],
  rules: [
    { name: 'BusLag', labels: { severity: 'warning' } },
    { name: 'EngineDown', labels: { severity: 'critical' } },
  ],
};
let server: Server;
let url = '';
beforeAll(async () => {
  server = grafanaSim(state);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => server?.close());

const value = (r: { measurements: { metric: string; value: number; labels?: object }[] }, metric: string, labels?: object) =>
  r.measurements.find((m) => m.metric === metric && JSON.stringify(m.labels) === JSON.stringify(labels))?.value;

describe("the grafana probe (against a stand-in answering as Grafana's documented API)", () => {
  it('without a token: the health endpoint only, database and version', async () => {
    const r = await probeOne(target('grafana', { url }), 2000);
    expect(r.status).toBe('pass');
    expect(r.details.version).toBe('11.2.0');
    expect(value(r, 'database_ok')).toBe(1);
    // Whether a stranger gets in, as a request with no credentials finds: this Grafana wants its token.
    const stranger = await fetch(`${url}/api/search?limit=1`);
    expect(stranger.status).toBe(401);
    expect(value(r, 'auth_required')).toBe(1);
  });

  it("with a token: each datasource's health, dashboards by UID, Grafana-managed alerts with their labels", async () => {
    const r = await probeOne(target('grafana', { url, token: TOKEN, dashboards: ['platform-overview', 'bus-lag'] }), 2000);
    expect(r.status).toBe('warn');
    expect(value(r, 'datasource_up', { datasource: 'Prometheus', uid: 'prom', type: 'prometheus' })).toBe(1);
    expect(value(r, 'datasource_up', { datasource: 'Trading DB', uid: 'pg', type: 'postgres' })).toBe(0);
    expect(value(r, 'datasources_unhealthy')).toBe(1);
    expect(value(r, 'dashboards_missing')).toBe(1);
    expect(value(r, 'alerts_firing')).toBe(1);
    expect(r.warnings).toEqual(
      expect.arrayContaining([
        'datasource Trading DB unhealthy: dial tcp 10.0.0.5:5432: connect: connection refused',
        'datasource Tempo (tempo) has no health check',
        'dashboard(s) not found: bus-lag (HTTP 404)',
      ]),
    );
    expect(r.alerts).toEqual([expect.objectContaining({ name: 'BusLag', state: 'firing', severity: 'warning' })]);
  });

  it('a token Grafana refuses, a database that fails, and something that is not Grafana are each named', async () => {
    expect((await probeOne(target('grafana', { url, token: 'wrong' }), 2000)).error).toBe(
      'the token is not accepted: /api/datasources answered HTTP 401 (a service-account token with the Viewer role reads it)',
    );
    state.database = 'failing';
    try {
      expect((await probeOne(target('grafana', { url }), 2000)).error).toBe(
        'Grafana is not healthy: /api/health answered HTTP 503, database "failing"',
      );
    } finally {
      state.database = 'ok';
    }
    const r = await runCli(['probe', '--http', `not-grafana=${url}/api/datasources`]);
    expect(r.code).toBe(1); // an http target answering 401: the control, it is not a grafana kind
  });

  it('criteria select alerts and datasources by label; the token never appears in any output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'validate-grafana-'));
    const file = join(dir, 'g.yaml');
    writeFileSync(
      file,
      `targets:\n  - { name: dashboards, kind: grafana, url: "${url}", token: "${TOKEN}" }\ncriteria:\n  - 'grafana.dashboards.alerts_firing{severity="critical"} == 0'\n  - 'grafana.dashboards.datasource_up{type="prometheus"} >= 1'\n  - 'grafana.dashboards.datasource_up{uid="pg"} >= 1'\n  - 'grafana.dashboards.alerts_firing{alertname="EngineDwn"} == 0'\n`,
    );
    const r = await runCli(['run', file, '--format', 'json', '--out', join(dir, 'r.md'), '--out', join(dir, 'r.html')]);
    const report = JSON.parse(r.stdout);
    expect(report.criteria.slice(1).map((c: { outcome: string }) => c.outcome)).toEqual(['MET', 'MET', 'NOT MET', 'NOT RUN']);
    expect(report.criteria[4].reason).toContain('did you mean "EngineDown"');
    expect(r.stdout + r.stderr + readFileSync(join(dir, 'r.md'), 'utf8') + readFileSync(join(dir, 'r.html'), 'utf8')).not.toContain(TOKEN);
  });
});
