import { describe, expect, it } from 'vitest';
import { evaluateCriteria } from '../../src/criteria/evaluate.js';
import { parseConfigText } from '../../src/config/load.js';
import { decideVerdict } from '../../src/criteria/judge.js';
import { buildReport } from '../../src/reports/model.js';
import { addHeadlines } from '../../src/finish/headlines.js';
import { renderReport } from '../../src/reports/formats.js';
import type { ProbeResult } from '../../src/results/result.js';
import { Redactor } from '../../src/util/redact.js';

const config = parseConfigText(
  `platform: Test platform
targets:
  - { name: risk, kind: engine, url: "http://h:8200" }
  - { name: features, kind: engine, url: "http://h:8500", required: false }
  - { name: bus, kind: redis, url: "redis://:pw-123@h:6379" }
criteria:
  - { name: Engine health, expect: "engines.available >= 50%" }
  - { name: Redis memory, expect: "redis.memory_used_pct < 10%", severity: warning }
`,
  'fixed.yaml',
  new Redactor(),
  {},
);

function probe(name: string, kind: string, status: ProbeResult['status'], extra: Partial<ProbeResult> = {}): ProbeResult {
  const up = status !== 'fail';
  return {
    name,
    kind,
    status,
    target: `${kind}://h`,
    phase: 'checks',
    required: name !== 'features',
    latencyMs: up ? 1.5 : null,
    warnings: [],
    details: {},
    startedAt: '2026-11-24T10:00:00.000Z',
    durationMs: 2,
    measurements: [{ metric: 'available', value: up ? 100 : 0, unit: 'percent' }],
    ...extra,
  };
}

const probes = [
  probe('risk', 'engine', 'pass', { details: { status: 'healthy', version: '1.2.3' } }),
  probe('features', 'engine', 'fail', { error: 'HTTP 503, expected 2xx' }),
  probe('bus', 'redis', 'pass', {
    details: { role: 'master' },
    measurements: [
      { metric: 'available', value: 100, unit: 'percent' },
      { metric: 'memory_used_pct', value: 42, unit: 'percent' },
      { metric: 'used_memory_bytes', value: 3 * 1024 * 1024, unit: 'bytes' },
    ],
  }),
];
const criteria = evaluateCriteria(config.criteria, probes);
addHeadlines(probes);
const redactor = new Redactor();
redactor.add('pw-123');
const report = buildReport(
  {
    platform: config.platform,
    source: 'fixed.yaml',
    version: '0.0.0',
    startedAt: new Date('2026-11-24T10:00:00Z'),
    finishedAt: new Date('2026-11-24T10:00:01.250Z'),
    aborted: false,
    verdict: decideVerdict(criteria),
    phases: [{ name: 'checks', status: 'fail' }],
    probes,
    criteria,
  },
  redactor,
);

describe('renderers', () => {
  it('the model carries the verdict, summary and recommendation', () => {
    expect(report.verdict).toBe('GO');
    expect(report.durationMs).toBe(1250);
    expect(report.summary).toMatchObject({ requiredFailing: [], optionalFailing: ['features'], probes: { total: 3, pass: 2, fail: 1 } });
    expect(report.recommendation).toBe(
      'GO: every critical criterion is met. Follow up before or soon after go-live: optional target(s) failing: features; warning criteria not met: Redis memory.',
    );
  });

  it('markdown has the reference report sections, in order', async () => {
    const md = await renderReport(report, 'markdown', { color: false });
    const headings = md.split('\n').filter((l) => l.startsWith('#'));
    expect(headings).toEqual([
      '# Test platform: production readiness report',
      '## Executive summary (2/3 criteria met)',
      '## Infrastructure health (1/1 healthy)',
      '## Engine matrix (1/2 healthy)',
      '## Go-live checklist (0/5 verified, 1 not applicable)',
      '## Decision matrix (2/3 met)',
      '## Recommendation (GO)',
    ]);
    expect(md).toContain('| ❌ FAIL | features (optional) | engine | engine://h | — | HTTP 503, expected 2xx |');
    expect(md).toContain('| Redis memory | redis.memory_used_pct < 10% | 42% | ⚠️ NOT MET (warning) | D | warning |');
    // Memory is a column of its own; the details keep the rest.
    expect(md).toContain('| ✅ PASS | bus | redis | redis://h | 1.5 ms | 3.0 MiB | role master, memory used 42% |');
    // The requirement in words, never the criterion's name glued to its bound.
    expect(md).toContain('| Infrastructure health | memory used under 10% on every redis | 42% | ⚠️ WARN | D |');
    expect(md).toContain('| All targets | no required target failing | 0 | ✅ PASS | A |');
  });

  it('the terminal table has colour only when asked', async () => {
    const plain = await renderReport(report, 'table', { color: false, width: 100, detail: true });
    const colored = await renderReport(report, 'table', { color: true, width: 100, detail: true });
    // eslint-disable-next-line no-control-regex
    expect(plain).not.toMatch(/\x1b\[/);
    // eslint-disable-next-line no-control-regex
    expect(colored).toMatch(/\x1b\[32mPASS/);
    // The summary too: its marks are coloured by their status, and only when asked.
    // eslint-disable-next-line no-control-regex
    expect(await renderReport(report, 'table', { color: true, width: 100 })).toMatch(/\x1b\[32m✓/);
    // eslint-disable-next-line no-control-regex
    expect(await renderReport(report, 'table', { color: false, width: 100 })).not.toMatch(/\x1b\[/);
    expect(plain.trimEnd().split('\n').at(-1)).toBe(' GO  every critical criterion is met');
    expect(plain).toContain('Follow-ups (not blocking)\n- optional target(s) failing: features\n- warning criteria not met: Redis memory');
    for (const line of plain.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it('json is the model, parseable, with no secret in it', async () => {
    const json = await renderReport(report, 'json', { color: false });
    expect(JSON.parse(json)).toEqual(report);
    expect(json).not.toContain('pw-123');
  });
});
