import { REQUIREMENTS } from '../results/checklist.js';
import { BUS_COLUMNS, PROBE_COLUMNS } from '../results/measurement.js';
import { SCHEMA_VERSION } from './model.js';

/**
 * The JSON report's schema (`validate schema report`), written out rather than derived: it is the
 * contract tools that parse reports rely on, so a change to it is a deliberate edit here. Every object
 * is closed (no unknown properties), and every report the tests produce is validated against it, so
 * the model cannot drift from this file unnoticed.
 */

type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const num: Schema = { type: 'number' };
const int: Schema = { type: 'integer', minimum: 0 };
const bool: Schema = { type: 'boolean' };
const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });
const arr = (items: Schema): Schema => ({ type: 'array', items });
const map = (values: Schema): Schema => ({ type: 'object', additionalProperties: values });
const ref = (name: string): Schema => ({ $ref: `#/$defs/${name}` });
const oneOf = (...values: string[]): Schema => ({ enum: values });

/** A closed object: `required` lists the fields always present; the rest are optional. */
function obj(properties: Record<string, Schema>, required: string[]): Schema {
  return { type: 'object', properties, required, additionalProperties: false };
}

const status = oneOf('pass', 'fail', 'warn', 'skip', 'inconclusive');
const unit = oneOf('ms', 'seconds', 'percent', 'count', 'bytes', 'per_second', 'number');
const section = obj({ title: str, order: num }, ['title', 'order']);
const fact = obj({ label: str, value: num, unit }, ['label', 'value', 'unit']);
/** A measurement its kind declares evidence for a line of the go-live checklist. */
const evidence = arr(
  obj(
    {
      requirement: oneOf(...REQUIREMENTS),
      metric: str,
      value: num,
      words: str,
      worst: oneOf('min', 'max'),
      unit: oneOf('s', 'days', '%'),
    },
    ['requirement', 'metric', 'value', 'words'],
  ),
);

/** A latency summary's levels, every one required: what `latency` is, and `delays` with its distribution beside. */
const LEVELS = { min: num, mean: num, p50: num, p90: num, p99: num, p999: num, max: num };

const defs: Record<string, Schema> = {
  delays: obj({ ...LEVELS, quantiles: arr(num) }, Object.keys(LEVELS)),
  measurement: obj({ metric: str, value: num, unit, labels: map(str), margin: num, why: str }, ['metric', 'value', 'unit']),
  latency: obj(LEVELS, Object.keys(LEVELS)),
  timeline: obj(
    {
      stepMs: { type: 'number', exclusiveMinimum: 0 },
      startedAt: num,
      merged: bool,
      requests: arr(int),
      errors: arr(int),
      p50Ms: arr(nullable(num)),
      p99Ms: arr(nullable(num)),
      coarsened: bool,
    },
    ['stepMs', 'requests', 'errors', 'p50Ms', 'p99Ms'],
  ),
  probe: obj(
    {
      family: oneOf('target', 'scenario', 'fault'),
      notRun: bool,
      skippedForFailure: bool,
      kind: str,
      name: str,
      status,
      required: bool,
      error: str,
      measurements: arr(ref('measurement')),
      unmeasured: map(str),
      broken: map(str),
      labelValues: map(map(arr(str))),
      samples: map(arr({ type: 'array', items: num, minItems: 2, maxItems: 2 })),
      qualified: str,
      target: str,
      phase: str,
      latencyMs: nullable(num),
      warnings: arr(str),
      details: map({ anyOf: [str, num, bool, { type: 'null' }] }),
      alerts: arr(
        obj(
          {
            name: str,
            state: oneOf('firing', 'pending'),
            severity: str,
            labels: map(str),
            activeAt: str,
            target: str,
            targetOptional: bool,
          },
          ['name', 'state', 'labels'],
        ),
      ),
      rules: arr(
        obj(
          {
            alert: str,
            severity: str,
            expr: str,
            for: str,
            state: oneOf('loaded', 'missing', 'unhealthy', 'stale', 'drifted', 'no series'),
          },
          ['alert', 'state'],
        ),
      ),
      section,
      headline: arr(fact),
      evidence,
      edges: arr(obj({ to: str, up: bool, latencyMs: num }, ['to', 'up'])),
      columns: obj(Object.fromEntries(Object.keys(PROBE_COLUMNS).map((k) => [k, fact])), []),
      bus: arr(
        obj({ column: oneOf(...Object.keys(BUS_COLUMNS)), label: str, value: num, unit, labels: map(str) }, [
          'column',
          'label',
          'value',
          'unit',
        ]),
      ),
      startedAt: str,
      durationMs: num,
    },
    [
      'kind',
      'name',
      'status',
      'required',
      'measurements',
      'target',
      'phase',
      'latencyMs',
      'warnings',
      'details',
      'startedAt',
      'durationMs',
    ],
  ),
  scenario: obj(
    {
      name: str,
      kind: str,
      scenario: str,
      section,
      evidence,
      target: str,
      targetName: str,
      status,
      validity: oneOf('VALID', 'INVALID'),
      invalidReason: str,
      model: oneOf('closed', 'open'),
      connections: int,
      requests: int,
      errors: int,
      successRate: num,
      successRequired: num,
      rps: num,
      durationMs: num,
      latencyMs: ref('latency'),
      uncorrectedLatencyMs: ref('latency'),
      targetRps: num,
      late: int,
      dropped: int,
      abandoned: int,
      attempts: int,
      retried: arr(str),
      requestsAllAttempts: int,
      queued: int,
      statusCounts: map(int),
      errorCauses: map(int),
      timeline: ref('timeline'),
      startLateMs: num,
      generator: obj(
        {
          eventLoopDelayP99Ms: num,
          eventLoopDelayMaxMs: num,
          maxRssMb: num,
          scheduleLagP99Ms: num,
          busyPct: num,
          loadPerCore: num,
          cpuPressurePct: num,
          scheduleLagMs: ref('delays'),
          delayMs: ref('delays'),
          local: bool,
          shareMs: ref('latency'),
          shareRps: num,
          busyMachine: str,
        },
        ['eventLoopDelayP99Ms', 'eventLoopDelayMaxMs', 'maxRssMb'],
      ),
      histograms: obj({ latency: str, uncorrected: str }, ['latency']),
      slaMs: num,
      level: num,
      levelName: str,
      windows: arr(ref('window')),
      endpoints: arr(ref('scenario')),
      delivery: obj({ published: int, delivered: int, lost: int, publishFailed: int, duplicated: int, outOfOrder: int, maxGapMs: num }, [
        'published',
        'delivered',
        'lost',
        'publishFailed',
        'duplicated',
        'outOfOrder',
        'maxGapMs',
      ]),
      notes: arr(str),
      sessions: obj({ opened: int, failed: int, disconnects: int, openP50Ms: num, openP99Ms: num, causes: map(int) }, [
        'opened',
        'failed',
        'disconnects',
        'openP50Ms',
        'openP99Ms',
        'causes',
      ]),
      measurements: arr(ref('measurement')),
    },
    [
      'name',
      'kind',
      'scenario',
      'target',
      'status',
      'validity',
      'model',
      'connections',
      'requests',
      'errors',
      'successRate',
      'successRequired',
      'rps',
      'durationMs',
      'latencyMs',
      'statusCounts',
      'errorCauses',
      'generator',
      'histograms',
      'measurements',
    ],
  ),
  window: obj(
    {
      index: int,
      startMs: num,
      durationMs: num,
      requests: int,
      errors: int,
      errorRate: num,
      rps: num,
      latencyMs: ref('latency'),
      histogram: str,
      infra: arr(
        obj({ name: str, kind: str, status: str, error: str, measurements: arr(ref('measurement')) }, [
          'name',
          'kind',
          'status',
          'measurements',
        ]),
      ),
    },
    ['index', 'startMs', 'durationMs', 'requests', 'errors', 'errorRate', 'rps', 'latencyMs', 'histogram', 'infra'],
  ),
  fault: obj(
    {
      name: str,
      type: str,
      action: str,
      detail: str,
      status,
      error: str,
      watched: arr(str),
      steadyBefore: bool,
      steadyAfter: bool,
      recovered: bool,
      recoveryMs: nullable(num),
      disruptionSeen: bool,
      tookEffect: bool,
      interrupted: bool,
      inconclusive: str,
      notRun: bool,
      unmeasured: map(str),
      leftDown: arr(str),
      restoreWith: str,
      affected: arr(str),
      traffic: obj({ scenario: str, published: int, lost: int, refused: int, gapMs: nullable(num) }, [
        'scenario',
        'published',
        'lost',
        'gapMs',
      ]),
      isolated: bool,
      witnessRecoveryMs: num,
      checks: int,
      injectedAt: str,
      durationMs: num,
      measurements: arr(ref('measurement')),
    },
    [
      'name',
      'type',
      'action',
      'status',
      'watched',
      'steadyBefore',
      'steadyAfter',
      'recovered',
      'recoveryMs',
      'disruptionSeen',
      'tookEffect',
      'affected',
      'isolated',
      'checks',
      'durationMs',
      'measurements',
    ],
  ),
  criterion: obj(
    {
      name: str,
      expression: str,
      severity: oneOf('critical', 'warning'),
      requirement: str,
      bound: num,
      inWords: str,
      verifies: oneOf(...REQUIREMENTS),
      actual: nullable(num),
      margin: num,
      busyMachine: str,
      unit,
      status,
      outcome: oneOf('MET', 'NOT MET', 'NOT RUN', 'INCONCLUSIVE'),
      grade: str,
      reason: str,
      description: str,
      implicit: bool,
      key: str,
      category: str,
      subjects: arr(str),
      location: obj({ file: str, line: int }, ['file']),
    },
    ['name', 'expression', 'severity', 'requirement', 'actual', 'unit', 'status', 'outcome', 'grade', 'category', 'subjects'],
  ),
};

// A pattern, not `format: date-time`: strict validators reject formats they were not given.
const isoTime: Schema = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$' };
const counts = obj({ total: int, pass: int, fail: int, warn: int, skip: int }, ['total', 'pass', 'fail', 'warn', 'skip']);

export function reportSchema(): Schema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://validate.dev/schema/report-v${SCHEMA_VERSION}.json`,
    title: 'validate report',
    description: 'What `validate run --format json` writes; `validate report` and `validate compare` read it.',
    ...obj(
      {
        schemaVersion: { const: SCHEMA_VERSION },
        tool: obj({ name: { const: 'validate' }, version: str }, ['name', 'version']),
        platform: str,
        source: str,
        verdict: oneOf('GO', 'NO-GO', 'INCONCLUSIVE'),
        aborted: bool,
        startedAt: isoTime,
        finishedAt: isoTime,
        durationMs: num,
        summary: obj(
          {
            probes: counts,
            criteria: obj({ total: int, met: int, notMet: int, inconclusive: int, warnings: int }, [
              'total',
              'met',
              'notMet',
              'inconclusive',
              'warnings',
            ]),
            requiredFailing: arr(str),
            optionalFailing: arr(str),
          },
          ['probes', 'criteria', 'requiredFailing', 'optionalFailing'],
        ),
        recommendation: str,
        blockers: arr(str),
        inconclusive: arr(str),
        followUps: arr(str),
        phases: arr(obj({ name: str, description: str, status, reason: str }, ['name', 'status'])),
        probes: arr(ref('probe')),
        scenarios: arr(ref('scenario')),
        faults: arr(ref('fault')),
        criteria: arr(ref('criterion')),
        notes: arr(str),
        waitedMs: num,
        shard: obj({ index: int, total: int, configHash: str, startAt: isoTime }, ['index', 'total', 'configHash']),
        mergedFrom: obj({ files: arr(str), shards: int, missing: arr(int) }, ['files', 'shards', 'missing']),
        sinceLastRuns: obj(
          {
            place: str,
            runs: int,
            previous: obj({ startedAt: str, verdict: str }, ['startedAt', 'verdict']),
            changed: arr(obj({ name: str, from: str, to: str }, ['name', 'from', 'to'])),
            moved: arr(obj({ series: str, value: num, median: num, shiftPct: num }, ['series', 'value', 'median', 'shiftPct'])),
          },
          ['place', 'runs', 'changed', 'moved'],
        ),
      },
      [
        'schemaVersion',
        'tool',
        'platform',
        'source',
        'verdict',
        'aborted',
        'startedAt',
        'finishedAt',
        'durationMs',
        'summary',
        'recommendation',
        'blockers',
        'inconclusive',
        'followUps',
        'phases',
        'probes',
        'scenarios',
        'faults',
        'criteria',
        'notes',
      ],
    ),
    $defs: defs,
  };
}
