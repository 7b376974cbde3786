import { evaluateCriteria } from '../../src/criteria/evaluate.js';
import { decideVerdict } from '../../src/criteria/judge.js';
import { parseConfigText } from '../../src/config/load.js';
import { encodeHistogram, newHistogram, recordMs, summarize } from '../../src/results/histogram.js';
import { buildReport, type Report } from '../../src/reports/model.js';
import type { FaultResult } from '../../src/results/fault-result.js';
import type { ProbeResult } from '../../src/results/result.js';
import type { ScenarioResult } from '../../src/results/scenario-result.js';
import { faultItem, scenarioItem } from '../../src/results/items.js';
import { Redactor } from '../../src/util/redact.js';
import { addHeadlines, addSections } from '../../src/finish/headlines.js';

/**
 * A report with every section, built from fixed values (no clock, no network): the input of the golden
 * files, so a renderer change shows as a diff of its output.
 */
export function fixedReport(): Report {
  const config = parseConfigText(
    `platform: Trading platform
targets:
  - { name: risk, kind: engine, url: "http://risk:8200" }
  - { name: features, kind: engine, url: "http://features:8500", required: false }
  - { name: bus, kind: redis, url: "redis://:s3cret-pw@bus:6379" }
scenarios:
  - { name: peak, kind: rate, target: risk, rate: 1000, duration: 10s }
faults:
  - { name: bus-cut, fault: { type: redis-client-kill, target: bus }, watch: [risk] }
criteria:
  - { name: Engine health, expect: "engines.available >= 50%" }
  - { name: Peak p99, expect: "scenario.peak.p99_ms < 100ms" }
  - { name: Redis memory, expect: "redis.memory_used_pct < 10%", severity: warning }
  - { name: Bus interruption, expect: "fault.bus-cut.recovery_ms < 1s" }
`,
    'fixed.yaml',
    new Redactor(),
    {},
  );
  const at = '2026-11-24T06:00:00.000Z';
  // What the monitor adds over a run: uptime over its checks, and restarts seen between them.
  const stability = (uptime: number, checks: number, restarts: number): ProbeResult['measurements'] => [
    { metric: 'uptime_pct', value: uptime, unit: 'percent' },
    { metric: 'uptime_checks', value: checks, unit: 'count' },
    { metric: 'restarts_seen', value: restarts, unit: 'count' },
  ];
  const probe = (name: string, kind: string, status: ProbeResult['status'], extra: Partial<ProbeResult> = {}): ProbeResult => ({
    name,
    kind,
    status,
    target: `${kind}://${name}`,
    phase: 'checks',
    required: name !== 'features',
    latencyMs: status === 'fail' ? null : 1.5,
    warnings: [],
    details: {},
    startedAt: at,
    durationMs: 2,
    measurements: [{ metric: 'available', value: status === 'fail' ? 0 : 100, unit: 'percent' }],
    ...extra,
  });
  const probes = [
    probe('risk', 'engine', 'pass', {
      details: { status: 'healthy', version: '2.4.1' },
      measurements: [{ metric: 'available', value: 100, unit: 'percent' }, ...stability(100, 12, 1)],
    }),
    probe('features', 'engine', 'fail', { error: 'engine reports status "maintenance"; HTTP 503, expected 2xx' }),
    probe('bus', 'redis', 'pass', {
      target: 'redis://:***@bus:6379',
      details: { role: 'master' },
      measurements: [
        { metric: 'available', value: 100, unit: 'percent' },
        { metric: 'memory_used_pct', value: 42, unit: 'percent' },
        { metric: 'cpu_pct', value: 3.25, unit: 'percent' },
        { metric: 'used_memory_bytes', value: 12_582_912, unit: 'bytes' },
        { metric: 'connected_clients', value: 17, unit: 'count' },
        ...stability(91.7, 12, 0),
      ],
    }),
  ];
  const h = newHistogram();
  for (let i = 1; i <= 1000; i++) recordMs(h, i / 100);
  const latencyMs = summarize(h);
  const scenario: ScenarioResult = {
    name: 'peak',
    kind: 'rate',
    scenario: 'peak',
    target: 'GET http://risk:8200/health',
    status: 'pass',
    validity: 'VALID',
    model: 'open',
    connections: 100,
    requests: 10000,
    errors: 0,
    successRate: 100,
    successRequired: 99.9,
    rps: 1000,
    durationMs: 10000,
    latencyMs,
    uncorrectedLatencyMs: latencyMs,
    targetRps: 1000,
    late: 3,
    dropped: 0,
    statusCounts: { 200: 10000 },
    errorCauses: {},
    generator: { eventLoopDelayP99Ms: 0.5, eventLoopDelayMaxMs: 2, maxRssMb: 80, scheduleLagP99Ms: 0.3 },
    histograms: { latency: encodeHistogram(h) },
    // Ten seconds at 1,000/s; the sixth slower.
    timeline: {
      stepMs: 1000,
      requests: [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
      errors: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      p50Ms: [5, 5, 5.1, 5, 4.9, 7.5, 5, 5, 5, 5],
      p99Ms: [9.9, 9.8, 9.9, 9.9, 9.8, 14.2, 9.9, 9.9, 9.9, 9.9],
    },
    measurements: [
      { metric: 'p99_ms', value: latencyMs.p99, unit: 'ms' },
      { metric: 'rps', value: 1000, unit: 'per_second' },
      { metric: 'invalid', value: 0, unit: 'count' },
      { metric: 'over_error_budget', value: 0, unit: 'count' },
    ],
  };
  const fault: FaultResult = {
    name: 'bus-cut',
    type: 'redis-client-kill',
    action: 'disconnect all normal clients of Redis "bus" (redis://:***@bus:6379) with CLIENT KILL',
    detail: 'CLIENT KILL disconnected 4 client(s) of bus',
    status: 'pass',
    watched: ['risk'],
    steadyBefore: true,
    steadyAfter: true,
    recovered: true,
    recoveryMs: 350,
    disruptionSeen: true,
    tookEffect: true,
    affected: [],
    isolated: true,
    witnessRecoveryMs: 12,
    checks: 9,
    injectedAt: at,
    durationMs: 2600,
    measurements: [
      { metric: 'took_effect', value: 1, unit: 'count' },
      { metric: 'passed', value: 1, unit: 'count' },
      { metric: 'recovery_ms', value: 350, unit: 'ms' },
      { metric: 'isolated', value: 1, unit: 'count' },
    ],
  };
  const criteria = evaluateCriteria(config.criteria, [...probes, scenarioItem(scenario), faultItem(fault)]);
  const redactor = new Redactor();
  redactor.add('s3cret-pw');
  addHeadlines(probes);
  addSections([scenario]);
  return buildReport(
    {
      platform: config.platform,
      source: 'fixed.yaml',
      version: '0.0.0',
      startedAt: new Date(at),
      finishedAt: new Date('2026-11-24T06:00:14.250Z'),
      aborted: false,
      verdict: decideVerdict(criteria),
      phases: [{ name: 'checks', status: 'fail' }],
      probes,
      scenarios: [scenario],
      faults: [fault],
      criteria,
    },
    redactor,
  );
}
