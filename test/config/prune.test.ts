import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { withoutTargets } from '../../src/config/prune.js';
import { Redactor } from '../../src/util/redact.js';

const yaml = `targets:
  - { name: risk, kind: engine, url: "http://risk:8200" }
  - { name: bus, kind: redis, url: "redis://bus:6379" }
  - { name: db, kind: postgres, url: "postgres://db:5432/app" }
  - { name: prom, kind: prometheus, url: "http://prom:9090", rules: generated }
scenarios:
  - { name: quotes, kind: bus, target: bus, channel: md:quotes, rate: 100, duration: 1s }
  - name: ops
    kind: operations
    requests: 10
    operations:
      - { name: order, target: risk, path: /orders, sla: 50ms }
      - { name: cache, target: bus, command: [GET, k], sla: 5ms }
      - { name: query, target: db, query: "SELECT 1", sla: 20ms }
faults:
  - { name: bus-cut, fault: { type: redis-client-kill, target: bus }, watch: [risk] }
  - { name: db-reset, fault: { type: postgres-terminate, target: db, application: orders }, watch: [risk, bus] }
  - { name: during-quotes, fault: { type: http-call, url: "http://risk:8200/chaos" }, watch: [risk], during: quotes }
criteria:
  - { name: Bus up, expect: "redis.available >= 100%" }
  - { name: Bus quotes, expect: "scenario.quotes.lost == 0" }
  - { name: Cache SLA, expect: "scenario.cache.p99_ms < 5ms" }
  - { name: Query SLA, expect: "scenario.query.p99_ms < 20ms" }
  - { name: Cut recovers, expect: "fault.bus-cut.recovery_ms < 1s" }
  - { name: Engines, expect: "engines.available >= 100%" }
`;

describe('a config without some targets, through the kinds own references', () => {
  it('leaves out what needs them: their scenarios, their operations, their faults, the faults during what went, and the criteria on any of it', () => {
    const full = parseConfigText(yaml, 'p.yaml', new Redactor(), {});
    const { config, dropped } = withoutTargets(full, new Set(['bus']));
    expect(config.targets.map((t) => t.name)).toEqual(['risk', 'db', 'prom']);
    expect(config.scenarios.map((s) => s.name)).toEqual(['ops']);
    expect((config.scenarios[0] as unknown as { operations: { name: string }[] }).operations.map((o) => o.name)).toEqual([
      'order',
      'query',
    ]);
    // db-reset acts on db, which stays, and still has risk to watch once bus is gone.
    expect(config.faults.map((f) => [f.name, f.watch])).toEqual([['db-reset', ['risk']]]);
    expect(config.criteria.filter((c) => !c.implicit).map((c) => c.name)).toEqual(['Query SLA', 'Engines']);
    expect(dropped.sort()).toEqual(['bus-cut', 'cache', 'during-quotes', 'quotes']);
    // The rules generated from the criteria are generated again: none for what went.
    const rules = (config.targets.find((t) => t.name === 'prom') as unknown as { rules: { alert: string }[] }).rules.map((r) => r.alert);
    expect(rules).toContain('QuerySLA');
    expect(rules).not.toContain('BusUp');
    expect(rules).not.toContain('CacheSLA');
    // The config it came from is untouched.
    expect(full.targets).toHaveLength(4);
  });
});
