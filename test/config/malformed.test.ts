import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { Redactor } from '../../src/util/redact.js';
import { PROBES } from '../../src/probes/registry.js';

/** The kinds as the registry lists them: a new kind changes the message, not this test. */
const KINDS = PROBES.map((k) => k.kind).join(', ');

function errorOf(text: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    parseConfigText(text, 'c.yaml', new Redactor(), env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError, the config was accepted');
}

const TCP = '{ name: a, kind: tcp, url: "tcp://localhost:1" }';

// Each row: a broken config and the exact message a user sees (file:line:column, field path, what and the fix).
const CASES: [string, string, string][] = [
  [
    'misspelt key',
    'targets:\n  - name: risk\n    kind: engine\n    urll: http://localhost:8200\n',
    'c.yaml:4:5: targets[0]: unknown key "urll" (did you mean "url"?); expected one of: kind, name, url, required, phase, timeout, security, metrics, path, method, headers, expect, maxBodyBytes, tlsVerify, certificate',
  ],
  [
    'misspelt top-level key',
    `target:\n  - ${TCP}\n`,
    'c.yaml:1:1: unknown key "target" (did you mean "targets"?); expected one of: version, platform, defaults, security, phases, targets, scenarios, generator, monitor, faults, criteria, outputs',
  ],
  [
    'unknown kind',
    'targets:\n  - name: risk\n    kind: engin\n    url: http://localhost:8200\n',
    `c.yaml:3:11: targets[0].kind: unknown kind "engin" (did you mean "engine"?); expected one of: ${KINDS}`,
  ],
  [
    'missing kind',
    'targets:\n  - name: risk\n    url: http://localhost:8200\n',
    `c.yaml:2:5: targets[0].kind: missing "kind"; expected one of: ${KINDS}`,
  ],
  [
    'wrong scheme',
    'targets:\n  - name: cache\n    kind: redis\n    url: http://localhost:6379\n',
    'c.yaml:4:10: targets[0].url: expected a URL starting with redis:// or rediss://',
  ],
  [
    'bad duration',
    `defaults:\n  timeout: 2 seconds\ntargets:\n  - ${TCP}\n`,
    'c.yaml:2:12: defaults.timeout: did you mean 2s? (units: ms, s, m, h)',
  ],
  [
    'wrong type',
    'targets:\n  - { name: a, kind: redis, url: "redis://x:1", samples: many }\n',
    'c.yaml:2:58: targets[0].samples: expected a number, found "many"',
  ],
  [
    'unset variable',
    'targets:\n  - name: db\n    kind: postgres\n    url: ${NOPE_DB_URL}\n',
    'c.yaml:4:10: targets[0].url: environment variable NOPE_DB_URL is not set (referenced as ${NOPE_DB_URL}); export it, or write ${NOPE_DB_URL:-default}',
  ],
  ['YAML syntax', 'targets:\n  - name: a\n    kind: tcp\n   url: x\n', 'c.yaml:4:1: YAML syntax: Sequence item without - indicator'],
  ['no targets', 'platform: x\n', 'c.yaml:1:1: targets: nothing to validate: add at least one target (or a scenario)'],
  [
    'scaling by a command with no {n} in it and no steps',
    'scenarios:\n  - kind: scaling\n    name: s\n    url: "http://x/"\n    replicas: { command: "kubectl scale", ready: "x" }\n',
    'c.yaml:2:5: scenarios[0]: with "replicas", give "steps": the instance counts to measure, e.g. [1, 2, 4]\nc.yaml:5:26: scenarios[0].replicas.command: the command must contain {n}, the instance count to set',
  ],
  [
    'scaling by a command with no URL to load',
    'scenarios:\n  - kind: scaling\n    name: s\n    steps: [1, 2]\n    replicas: { command: "kubectl scale {n}", ready: "x" }\n',
    'c.yaml:2:5: scenarios[0]: with "replicas", give the one "url" or "target" behind the balancer',
  ],
  ['empty file', '', 'c.yaml: the file is empty; expected a mapping with at least "targets:" (see `validate init`)'],
  ['a list, not a mapping', '- a\n- b\n', 'c.yaml:1:1: expected a mapping with at least "targets:", found a list'],
  [
    'duplicate names',
    `targets:\n  - ${TCP}\n  - ${TCP}\n`,
    'c.yaml:3:13: targets[1].name: duplicate target name "a" (also targets[0]); names must be unique',
  ],
  [
    'misspelt severity',
    `targets:\n  - ${TCP}\ncriteria:\n  - { expect: "targets.available > 1", severity: critcal }\n`,
    'c.yaml:4:50: criteria[0].severity: expected one of "critical", "warning", found "critcal" (did you mean "critical"?)',
  ],
  [
    'criterion syntax',
    'targets:\n  - { name: risk, kind: engine, url: "http://localhost:8200" }\ncriteria:\n  - engines.available => 90%\n',
    'c.yaml:4:5: criteria[0]: invalid expression: expected a comparison (<, <=, >, >=, ==, !=), found "=>" (use == to compare) at column 19\n    engines.available => 90%\n                      ^',
  ],
  [
    'body assertion syntax',
    'targets:\n  - name: risk\n    kind: engine\n    url: http://localhost:8200\n    expect:\n      body: ["status = healthy"]\n',
    'c.yaml:6:14: targets[0].expect.body[0]: invalid body assertion: expected a comparison (<, <=, >, >=, ==, !=), found "= " (use == to compare) at column 8\n    status = healthy\n           ^',
  ],
  // Rules each kind checks itself, beyond the schema.
  [
    'a Redis window the timeout can never fit',
    'defaults: { timeout: 1s }\ntargets:\n  - { name: bus, kind: redis, url: "redis://localhost:6379", window: 1s }\n',
    'c.yaml:3:70: targets[0].window: window 1000 ms is not shorter than the timeout (1000 ms): the probe could never finish; shorten the window or raise the timeout',
  ],
  [
    'a Redis operation without a command',
    'targets:\n  - { name: bus, kind: redis, url: "redis://localhost:6379" }\nscenarios:\n  - { name: ops, kind: operations, operations: [{ name: cache, target: bus }] }\n',
    'c.yaml:4:49: scenarios[0].operations[0]: operation "cache" loads Redis target "bus": give "command", e.g. command: [GET, "orders:last"]',
  ],
  [
    'a SQL query aimed at an engine',
    'targets:\n  - { name: risk, kind: engine, url: "http://localhost:8200" }\nscenarios:\n  - { name: ops, kind: operations, operations: [{ name: q, target: risk, query: "SELECT 1" }] }\n',
    'c.yaml:4:81: scenarios[0].operations[0].query: "query" is for a PostgreSQL target; "risk" is an engine target',
  ],
  [
    'a restart down longer than its experiment waits',
    'targets:\n  - { name: risk, kind: engine, url: "http://localhost:8200" }\nfaults:\n  - { name: r, fault: { type: restart, stop: "stop risk", start: "start risk", downFor: 1m }, watch: [risk], recoveryTimeout: 30s }\n',
    "c.yaml:4:89: faults[0].fault.downFor: downFor 60000 ms is not shorter than the experiment's recoveryTimeout (30000 ms): the target could never recover in time; raise recoveryTimeout",
  ],
  [
    'a label on a metric without labels',
    'targets:\n  - { name: risk, kind: engine, url: "http://localhost:8200" }\ncriteria:\n  - engine.latency_ms{job="x"} < 1s\n',
    'c.yaml:4:5: criteria[0]: "engine.latency_ms{job="x"}": latency_ms has no labels to select; remove the {...}',
  ],
];

describe('malformed configs', () => {
  it.each(CASES)('%s', (_name, text, message) => {
    expect(errorOf(text)).toBe(message);
  });

  it('reports every problem at once, each on its own line', () => {
    const text =
      'phases: [infra, engines]\ntargets:\n  - { name: risk, kind: engine, url: "http://localhost:8200", phase: infar }\n  - { name: b, kind: tcp, url: "tcp://localhost:1" }\ncriteria:\n  - engine.rsik.latency_ms < 100\n  - engine.risk.latncy_ms < 100\n  - engine.latency_ms < 90%\n';
    expect(errorOf(text).split('\n')).toEqual([
      'c.yaml:3:70: targets[0].phase: unknown phase "infar" (did you mean "infra"?); declared: infra, engines',
      'c.yaml:4:5: targets[1]: missing "phase": this config declares phases (infra, engines), so each target names its phase',
      'c.yaml:6:5: criteria[0]: unknown engine "rsik" in "engine.rsik.latency_ms" (did you mean "risk"?); this config has: risk',
      'c.yaml:7:5: criteria[1]: unknown measurement "latncy_ms" for engine "risk" (did you mean "engine.risk.latency_ms"?); it has: available, healthy, failed, latency_ms, uptime_pct, uptime_checks, restarts_seen, status_code, ttfb_ms, connect_ms, tls_ms, first_response_ms, body_bytes, tls_enabled, tls_valid, tls_version, tls_expires_in_days, tls_self_signed, hsts_max_age_s, uptime_seconds, dependency_up, dependency_latency_ms, dependencies, dependencies_down',
      'c.yaml:8:5: criteria[2]: "engine.latency_ms < 90%": a value in "%" cannot be compared with a measurement in ms; use ms or s',
    ]);
  });
});

describe('environment variables', () => {
  it('substitutes ${VAR} and ${VAR:-default}, and $$ is a literal $', () => {
    const text = 'platform: "cost $$5"\ntargets:\n  - { name: a, kind: redis, url: "redis://${HOST}:${PORT:-6379}" }\n';
    const config = parseConfigText(text, 'c.yaml', new Redactor(), { HOST: 'cache.internal' });
    expect(config.platform).toBe('cost $5');
    expect(config.targets[0].url).toBe('redis://cache.internal:6379');
  });

  it('registers values of secret-looking variables with the redactor', () => {
    const redactor = new Redactor();
    parseConfigText('targets:\n  - { name: a, kind: redis, url: "redis://:${REDIS_PASSWORD}@h:1" }\n', 'c.yaml', redactor, {
      REDIS_PASSWORD: 's3cr3t-pw',
    });
    expect(redactor.scrub('auth with s3cr3t-pw failed')).toBe('auth with *** failed');
  });

  it('applies defaults and normalises durations to milliseconds', () => {
    const config = parseConfigText(`defaults: { timeout: 1.5s }\ntargets:\n  - ${TCP}\n`, 'c.yaml', new Redactor(), {});
    expect(config.defaults).toEqual({ timeout: 1500, concurrency: 16 });
    expect(config.targets[0]).toMatchObject({ required: true, phase: 'checks' });
    expect(config.criteria.map((c) => c.expression)).toEqual(['targets.required_failed == 0']);
  });
});

describe('shape and reference errors together', () => {
  it('a schema error does not hide a criterion typo or a phase typo elsewhere', () => {
    const text =
      'phases: [infra]\ntargets:\n  - { name: risk, kind: engine, url: "http://h:1", phase: infar, timeout: soon }\ncriteria:\n  - engine.rsik.latency_ms < 100\n';
    expect(errorOf(text).split('\n')).toEqual([
      'c.yaml:3:59: targets[0].phase: unknown phase "infar" (did you mean "infra"?); declared: infra',
      'c.yaml:3:75: targets[0].timeout: expected a duration like 500ms, 2s, 1m or 1h30m, found "soon"',
      'c.yaml:5:5: criteria[0]: unknown engine "rsik" in "engine.rsik.latency_ms" (did you mean "risk"?); this config has: risk',
    ]);
  });
});
