import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { DEMO_ENGINES } from '../../src/demo/platform.js';
import { Redactor } from '../../src/util/redact.js';

const load = (name: string, env: NodeJS.ProcessEnv = {}) =>
  parseConfigText(readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8'), name, new Redactor(), env);

describe('shipped configs load and say what they should', () => {
  it('the reference trading platform: 10 engines at their real ports, 4 Redis buses, PostgreSQL, Prometheus, Grafana', () => {
    const c = load('trading-platform.yaml');
    const ports = (kind: string) =>
      c.targets
        .filter((t) => t.kind === kind)
        .map((t) => Number(new URL(t.url).port))
        .sort();
    expect(ports('engine')).toEqual([8100, 8200, 8300, 8400, 8500, 8600, 8700, 8800, 8900, 9000]);
    expect(ports('redis')).toEqual([6379, 6380, 6381, 6382]);
    expect(ports('postgres')).toEqual([5432]);
    expect(ports('prometheus')).toEqual([9090]);
    expect(ports('grafana')).toEqual([3002]);
    expect(ports('websocket')).toEqual([8600]);
    // Every bus is checked as a bus; the reference report's load runs (engines, users, the go-live rate,
    // the mission-critical operations, traffic on two buses and the WebSocket engine, the trading-day soak),
    // and its three fault experiments.
    expect(c.targets.filter((t) => t.kind === 'redis').every((t) => (t as { bus?: unknown }).bus)).toBe(true);
    expect(c.scenarios.map((s) => s.kind)).toEqual([
      'latency',
      'concurrency',
      'rate',
      'operations',
      'bus',
      'bus',
      'websocket',
      'scaling',
      'soak',
    ]);
    expect(c.faults.map((f) => f.name)).toEqual(['engine-restart', 'bus-interruption', 'database-reset']);
    expect(c.targets.find((t) => t.name === 'features')!.required).toBe(false);
  });

  it('the demo config', () => {
    const env = Object.fromEntries(DEMO_ENGINES.map((e, i) => [`DEMO_${e.toUpperCase()}_URL`, `http://127.0.0.1:${9100 + i}`]));
    const c = load('demo.yaml', {
      ...env,
      DEMO_PROMETHEUS_URL: 'http://127.0.0.1:9999',
      DEMO_GRAFANA_URL: 'http://127.0.0.1:9998',
      DEMO_GRAFANA_TOKEN: 't',
      DEMO_WS_URL: 'ws://127.0.0.1:9105/ws',
      DEMO_SOAK_DURATION: '5s',
      DEMO_PIDFILE: '/run/demo.pid',
      DEMO_RISK_REPLICA_1: 'http://127.0.0.1:9201',
      DEMO_RISK_REPLICA_2: 'http://127.0.0.1:9202',
      DEMO_RISK_REPLICA_3: 'http://127.0.0.1:9203',
      DEMO_PG_APPLICATION: 'demo-portfolio',
    });
    expect(c.faults.map((f) => f.name)).toEqual(['engine-restart', 'bus-interruption', 'database-reset']);
    expect(c.faults[1]).toMatchObject({ during: 'md-feed', at: 1000 });
    expect(c.targets.filter((t) => t.kind === 'engine')).toHaveLength(10);
    expect(c.phases.map((p) => p.name)).toEqual(['infrastructure', 'core-engines', 'specialized-engines']);
  });

  it('the starter config written by `validate init`', () => {
    expect(load('starter.yaml').targets.map((t) => t.name)).toEqual(['cache', 'db', 'api', 'docs']);
  });
});
