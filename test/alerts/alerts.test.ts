import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { runCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/ports.js';
import { requireBinary, startPrometheus, type Running } from '../helpers/services.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'validate-alerts-'));
const promtool = () => requireBinary('promtool', 'prometheus');
const running: Running[] = [];
afterAll(() => Promise.all(running.map((r) => r.stop())));

interface RulesFile {
  groups: { name: string; rules: { alert: string; expr: string; for?: string; labels: Record<string, string> }[] }[];
}

describe('validate alerts: the go-live criteria as Prometheus alerting rules', () => {
  it('the reference config\'s rules file is the one in fixtures/ (regenerate it with validate alerts when this fails), and promtool accepts it', async () => {
    const r = await runCli(['alerts', join(ROOT, 'fixtures/trading-platform.yaml')]);
    expect(r.code, r.stderr).toBe(0);
    const shipped = readFileSync(join(ROOT, 'fixtures/trading-platform.rules.yml'), 'utf8');
    expect(r.stdout.replace(/^# Alerting rules from the go-live criteria of [^ ]+/, '#')).toBe(shipped.replace(/^# Alerting rules from the go-live criteria of [^ ]+/, '#'));
    const out = execFileSync(promtool(), ['check', 'rules', join(ROOT, 'fixtures/trading-platform.rules.yml')], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('the reference alert framework keeps its thresholds, durations and severities; what has no production form is listed, not invented', async () => {
    const rules = (parse(readFileSync(join(ROOT, 'fixtures/trading-platform.rules.yml'), 'utf8')) as RulesFile).groups[0].rules;
    const rule = (alert: string) => rules.find((x) => x.alert === alert)!;
    expect(rule('EngineDown')).toMatchObject({ for: '30s', labels: { severity: 'warning', criterion: 'Engine down' } });
    expect(rule('EngineDown').expr).toContain('100 * up{job="risk"}');
    expect(rule('ResponseTimeSustained')).toMatchObject({ for: '5m' });
    expect(rule('ResponseTimeSustained').expr).toMatch(/>= 500( or |$)/);
    expect(rule('ErrorRate')).toMatchObject({ for: '5m', expr: '(100 * sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))) >= 1' });
    expect(rule('ThroughputDrop').expr).toContain('offset 1h');
    expect(rule('DatabaseConnection')).toMatchObject({ for: '30s', expr: '(100 * pg_up{job="trading-db"}) < 100', labels: { target: 'trading-db', severity: 'critical' } });
    // What only the gate measures (a load result) is read from the gate's own textfile metrics.
    expect(rule('OrdersNeverLost').expr).toBe('validate_criterion_actual{criterion="Orders never lost"} != 0');
    const r = await runCli(['alerts', join(ROOT, 'fixtures/trading-platform.yaml'), '-o', join(dir, 'r.yml')]);
    expect(r.stderr).toContain('no rule for "No critical alerts": it selects labelled series');
    expect(r.stderr).toMatch(/no rule for "No long transactions": no PromQL for longest_transaction_s of trading-db: give it in the target's metrics:/);
  });
});

describe('monitoring coverage, checked on a real Prometheus', () => {
  it('rules it has loaded and evaluates pass; one left out is missing; one that fails to evaluate is unhealthy, as Prometheus\'s own API says', async () => {
    // A config whose criteria become three rules; the Prometheus gets two of them, one broken.
    const config = join(dir, 'platform.yaml');
    const write = (promUrl: string) =>
      writeFileSync(
        config,
        `targets:\n  - { name: risk, kind: engine, url: "http://127.0.0.1:1", required: false }\n  - { name: prom, kind: prometheus, url: "${promUrl}", rules: generated, required: false }\n` +
          `criteria:\n  - { name: Engine health, expect: "engines.available >= 90%", for: 30s }\n  - { name: Response SLA, expect: "engine.latency_ms < 100ms" }\n  - { name: Engine down, expect: "engine.available >= 100%", for: 30s, severity: warning }\n` +
          `  - { name: Monitoring coverage, expect: "prometheus.prom.rules_missing == 0" }\n  - { name: Rules healthy, expect: "prometheus.prom.rules_unhealthy == 0" }\n  - { name: Response rule there, expect: 'prometheus.prom.rules_missing{alertname="ResponseSLA"} == 0' }\n`,
      );
    write('http://127.0.0.1:9');
    const generated = await runCli(['alerts', config]);
    expect(generated.code, generated.stderr).toBe(0);
    const file = parse(generated.stdout) as RulesFile;
    expect(file.groups[0].rules.map((r) => r.alert)).toEqual(['EngineHealth', 'ResponseSLA', 'EngineDown']);
    // Left out: EngineDown. Broken at evaluation (many-to-one without group_left): ResponseSLA.
    file.groups[0].rules = file.groups[0].rules.filter((r) => r.alert !== 'EngineDown');
    file.groups[0].rules[1].expr = '(vector(1) or label_replace(vector(2), "a", "b", "", "")) * on() vector(1) > 0';
    const rulesText = stringify(file);
    writeFileSync(join(dir, 'loaded.yml'), rulesText);
    expect(execFileSync(promtool(), ['check', 'rules', join(dir, 'loaded.yml')], { encoding: 'utf8' })).toContain('SUCCESS: 2 rules found');
    const prom = await startPrometheus({ rules: rulesText, ready: () => true });
    running.push(prom);
    // Both loaded rules evaluated at least once (1 s interval).
    await waitFor('the rules evaluated', async () => {
      const body = await (await fetch(`${prom.url}/api/v1/rules`)).json();
      return body.data.groups[0].rules.every((r: { lastEvaluation: string }) => !r.lastEvaluation.startsWith('0001'));
    }, 20_000);
    const own = await (await fetch(`${prom.url}/api/v1/rules`)).json();
    const health = Object.fromEntries(own.data.groups[0].rules.map((r: { name: string; health: string }) => [r.name, r.health]));
    expect(health).toEqual({ EngineHealth: 'ok', ResponseSLA: 'err' });

    write(prom.url);
    const r = await runCli(['run', config, '--format', 'json']);
    const report = JSON.parse(r.stdout);
    const probe = report.probes.find((p: { name: string }) => p.name === 'prom');
    const series = (metric: string) => probe.measurements.filter((m: { metric: string; labels?: object }) => m.metric === metric && m.labels).map((m: { labels: { alertname: string } }) => m.labels.alertname);
    expect(series('rules_missing')).toEqual(['EngineDown']);
    expect(series('rules_unhealthy')).toEqual(['ResponseSLA']);
    expect(probe.warnings).toEqual(expect.arrayContaining(['alerting rule(s) not loaded: EngineDown', expect.stringMatching(/^alerting rule ResponseSLA fails to evaluate: .*many-to-one/)]));
    const outcome = (name: string) => report.criteria.find((c: { name: string }) => c.name === name).outcome;
    expect([outcome('Monitoring coverage'), outcome('Rules healthy'), outcome('Response rule there')]).toEqual(['NOT MET', 'NOT MET', 'MET']);
    expect(report.verdict).toBe('NO-GO');
  }, 60_000);
});
