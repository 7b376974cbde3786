import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeOne } from '../../src/run/probe-one.js';
import type { ProbeResult } from '../../src/results/result.js';
import { engineServer, type TestServer } from '../helpers/hostile.js';
import { createServer } from 'node:http';
import { freePort, waitFor } from '../helpers/ports.js';
import { startPrometheus, type Running } from '../helpers/services.js';
import { target } from '../helpers/targets.js';
import { parseExpression, matches, type LabelMatcher } from '../../src/criteria/expression.js';
import { selectSeries } from '../../src/criteria/select.js';
import { prometheusProbe } from '../../src/probes/prometheus.js';
import { parseConfigText } from '../../src/config/load.js';
import { checkedExecute } from '../helpers/checked.js';
import { Redactor } from '../../src/util/redact.js';

const value = (r: ProbeResult, metric: string) => r.measurements.find((m) => m.metric === metric && !m.labels)?.value;

/** What a criterion `prometheus.alerts_firing{...} == 0` reads: a number, or why it measured nothing. */
const select = (r: ProbeResult, selector: string) => {
  const ref = parseExpression(`x.alerts_firing${selector} == 0`).left as { matchers: LabelMatcher[] };
  return selectSeries(r, 'alerts_firing', ref.matchers, prometheusProbe.metrics.alerts_firing);
};

/** The same count, from Prometheus's own API: the independent source the probe is checked against. */
async function firingFromApi(url: string, selector: string): Promise<number> {
  const ref = selector ? (parseExpression(`x.alerts_firing${selector} == 0`).left as { matchers: LabelMatcher[] }) : { matchers: [] };
  const alerts: { state: string; labels: Record<string, string> }[] = (await (await fetch(`${url}/api/v1/alerts`)).json()).data.alerts;
  return alerts.filter((a) => a.state === 'firing' && ref.matchers.every((m) => matches(m, a.labels[m.name]))).length;
}

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

  it('selects firing alerts by any label, like PromQL, and the count is what Prometheus itself reports', async () => {
    const r = await probeOne(target('prometheus', { url: prom.url }), 3000);
    for (const selector of [
      '{alertname="EngineDown"}',
      '{severity="critical"}',
      '{severity="critical",job="gone"}',
      '{team!="trading"}',
      '{alertname=~"Engine.*|Always.*"}',
      '{alertname!~"Engine.*"}',
      '{alertname="HighLatency"}',
    ]) {
      expect({ selector, value: select(r, selector) }).toEqual({ selector, value: await firingFromApi(prom.url, selector) });
    }
    // The selected alert is really firing (the comparison above is not 0 == 0 throughout).
    expect(select(r, '{alertname="EngineDown"}')).toBe(1);
    expect(select(r, '{alertname="HighLatency"}')).toBe(0); // a rule that exists and is not firing: a true zero
  });

  it('a selector no alert could ever match measured nothing: NOT RUN with the labels and values that exist', async () => {
    const r = await probeOne(target('prometheus', { url: prom.url }), 3000);
    expect(select(r, '{severty="critical"}')).toEqual({
      missing:
        'no alerts_firing series of t carries the label "severty" (did you mean "severity"?); its labels are: alertname, instance, job, severity, team',
    });
    expect(select(r, '{alertname="EngineDwn"}')).toEqual({
      missing:
        'no alerts_firing series of t can have alertname="EngineDwn" (did you mean "EngineDown"?); alertname is one of: AlwaysFiring, EngineDown, HighLatency',
    });
    expect(select(r, '{severity="critical",job="missing-engine"}')).toEqual({
      missing: 'no alerts_firing series of t can have job="missing-engine"; job is one of: gone, self',
    });
  });

  it("says which config target each firing alert is about: its instance label against the targets' host:port", async () => {
    const config = parseConfigText(
      `
targets:
  - { name: monitoring, kind: prometheus, url: "${prom.url}" }
  - { name: gone-engine, kind: engine, url: "http://localhost:${prom.downPort}", required: false }
`,
      'p.yaml',
      new Redactor(),
      {},
    );
    const report = await checkedExecute(config, new Redactor());
    const alerts = report.probes.find((p) => p.name === 'monitoring')!.alerts!;
    const api: { labels: Record<string, string> }[] = (await (await fetch(`${prom.url}/api/v1/alerts`)).json()).data.alerts;
    // Prometheus says EngineDown is about 127.0.0.1:<downPort>; the config calls it localhost:<downPort>.
    expect(api.find((a) => a.labels.alertname === 'EngineDown')!.labels.instance).toBe(`127.0.0.1:${prom.downPort}`);
    expect(alerts.find((a) => a.name === 'EngineDown')).toMatchObject({ target: 'gone-engine', targetOptional: true });
    expect(alerts.find((a) => a.name === 'AlwaysFiring')!.target).toBeUndefined(); // about nothing the config knows
  });

  it('a criterion on firing alerts names each alert that breaks it, with its labels as Prometheus reports them', async () => {
    const report = await checkedExecute(
      parseConfigText(
        `targets:\n  - { name: monitoring, kind: prometheus, url: "${prom.url}" }\ncriteria:\n  - { name: No engine down, expect: 'prometheus.alerts_firing{alertname="EngineDown"} == 0' }\n`,
        'alerts.yaml',
        new Redactor(),
        {},
      ),
      new Redactor(),
    );
    const api: { state: string; labels: Record<string, string> }[] = (await (await fetch(`${prom.url}/api/v1/alerts`)).json()).data.alerts;
    const down = api.find((a) => a.state === 'firing' && a.labels.alertname === 'EngineDown')!.labels;
    const c = report.criteria.find((x) => x.name === 'No engine down')!;
    expect(c).toMatchObject({ status: 'fail', actual: 1 });
    // Every label but the name, as the API gives them: the instance says which engine is down.
    const labels = Object.entries(down)
      .filter(([k]) => k !== 'alertname')
      .map(([k, v]) => `${k}="${v}"`)
      .join(', ');
    expect(c.reason).toBe(`not met by: monitoring: EngineDown{${labels}}`);
    expect(c.reason).toContain(`instance="127.0.0.1:${prom.downPort}"`);
  });

  it('reports readiness, down targets, firing alerts, and PromQL scalars', async () => {
    const queries = [
      { name: 'answer', query: 'test_answer' },
      { name: 'ratio_pct', query: 'scalar(vector(12.5))', unit: 'percent' },
      { name: 'many', query: 'up' },
      { name: 'nothing', query: 'absent_metric_xyz' },
    ];
    const r = await probeOne(target('prometheus', { url: prom.url, queries }), 3000);
    expect(value(r, 'ready')).toBe(1);
    // A Prometheus without web.config basic_auth answers anyone, as a request with no credentials finds.
    expect((await fetch(`${prom.url}/api/v1/status/buildinfo`)).status).toBe(200);
    expect(value(r, 'auth_required')).toBe(0);
    expect(value(r, 'targets_total')).toBe(2);
    expect(value(r, 'targets_down')).toBe(1);
    expect(value(r, 'alerts_firing')).toBe(await firingFromApi(prom.url, ''));
    expect(
      r
        .alerts!.filter((a) => a.state === 'firing')
        .map((a) => a.name)
        .sort(),
    ).toEqual(['AlwaysFiring', 'EngineDown']);
    expect(value(r, 'answer')).toBe(42);
    expect(r.measurements).toContainEqual({ metric: 'ratio_pct', value: 12.5, unit: 'percent' });
    expect(r.status).toBe('warn');
    expect(r.warnings).toEqual([
      `1 scrape target(s) down: 127.0.0.1:${prom.downPort}`,
      'query "many" returned 2 series; aggregate it to one (e.g. sum(...))',
      'query "nothing" returned no data',
    ]);
    // A query that gave no single number measured nothing: criteria on it are NOT RUN, never zero.
    expect(Object.keys(r.unmeasured ?? {})).toEqual(['many', 'nothing']);
  });

  it("a PromQL syntax error is reported with Prometheus's own explanation, and that query measured nothing", async () => {
    const r = await probeOne(target('prometheus', { url: prom.url, queries: [{ name: 'bad', query: 'sum(' }] }), 3000);
    expect(r.status).toBe('warn');
    expect(r.unmeasured).toEqual({ bad: 'query "bad" failed: 1:5: parse error: unclosed left parenthesis' });
    expect(r.warnings).toContain('query "bad" failed: 1:5: parse error: unclosed left parenthesis');
  });

  it('an HTTP server that is not Prometheus is named as such', async () => {
    const r = await probeOne(target('prometheus', { url: notProm.url }), 2000);
    expect(r.error).toBe(
      '/api/v1/targets answered HTTP 200 with JSON that is not the Prometheus API (expected {"status":"success","data":{...}})',
    );
  });

  it('counts remote restarts: a scraped process whose start time changes, and a target that came up', async () => {
    // The "gone" scrape target comes to life (an up flap), then restarts (its start time changes).
    let startTime = 1_000;
    const exporter = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`process_start_time_seconds ${startTime}\n`),
    );
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

  it.each([
    [
      '{"status":"success","data":null}',
      '/api/v1/targets answered HTTP 200 with JSON that is not the Prometheus API (expected {"status":"success","data":{...}})',
    ],
    [
      '{"status":"success","data":{"activeTargets":"nope"}}',
      '/api/v1/targets answered without a "activeTargets" list: not the Prometheus API',
    ],
    ['<html>login</html>', '/api/v1/targets answered HTTP 200 with something that is not JSON: not the Prometheus API'],
  ])('an API answer that is not the Prometheus API (%s) is named so, never a TypeError', async (body, error) => {
    const liar = createServer((req, res) =>
      req.url === '/-/ready' ? res.end('ready') : res.writeHead(200, { 'content-type': 'application/json' }).end(body),
    );
    await new Promise<void>((r) => liar.listen(0, '127.0.0.1', () => r()));
    try {
      const r = await probeOne(target('prometheus', { url: `http://127.0.0.1:${(liar.address() as { port: number }).port}` }), 2000);
      expect(r).toMatchObject({ status: 'fail', error });
    } finally {
      liar.close();
    }
  });

  it('nothing listening is connection refused', async () => {
    const port = await freePort();
    expect((await probeOne(target('prometheus', { url: `http://127.0.0.1:${port}` }), 2000)).error).toBe(
      `connection refused: nothing is listening on 127.0.0.1:${port}`,
    );
  });
});
