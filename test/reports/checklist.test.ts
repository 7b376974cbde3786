import { describe, expect, it } from 'vitest';
import { upgradeReport } from '../../src/finish/finish-report.js';
import { addHeadlines } from '../../src/finish/headlines.js';
import { renderReport } from '../../src/reports/formats.js';
import type { Report } from '../../src/reports/model.js';
import { fixedReport } from '../helpers/fixed-report.js';

/**
 * The go-live checklist is read from what results and criteria declare (their evidence, the line a
 * criterion verifies), never from kind names or expression text: a kind the renderers have never heard of
 * joins it by declaring, and a report saved before criteria declared gets its links back on reading.
 */
const line = async (report: Report, title: string) =>
  (await renderReport(report, 'markdown', { color: false })).split('\n').find((l) => l.startsWith(`| ${title} |`));

describe('the go-live checklist, from declarations', () => {
  it('a kind no renderer knows (a TPU pool) verifies hardware acceleration by declaring its evidence and its criterion', async () => {
    const report = fixedReport();
    const tpu = structuredClone(report.probes[0]);
    Object.assign(tpu, {
      kind: 'tpu',
      name: 'tpu-pool',
      measurements: [{ metric: 'tpus', value: 4, unit: 'count' }],
      evidence: [{ requirement: 'acceleration', metric: 'tpus', value: 4, words: 'accelerators', worst: 'min' }],
    });
    report.probes.push(tpu);
    const criterion = { ...report.criteria[0], name: 'TPUs present', expression: 'tpu.tpus >= 4', verifies: 'acceleration' as const };
    report.criteria.push({ ...criterion, status: 'pass', outcome: 'MET', actual: 4 });
    expect(await line(report, 'Hardware acceleration')).toBe(
      '| Hardware acceleration | ✅ VERIFIED | accelerators 4 (tpu-pool) [1/1 criteria met] |',
    );
  });

  it('evidence alone, no criterion: measured, not required, with the worst value and where', async () => {
    const report = fixedReport();
    expect(await line(report, 'Resources under load')).toMatch(/highest memory 42% \(bus\); highest CPU 3% \(bus\)/);
  });

  it('a share under one percent shows as one, never as 0% (a process using 0.3% of the machine)', async () => {
    const report = fixedReport();
    const memory = report.probes.flatMap((p) => p.evidence ?? []).find((e) => e.metric === 'memory_used_pct')!;
    memory.value = 0.3;
    expect(await line(report, 'Resources under load')).toMatch(/highest memory 0\.30% \(bus\)/);
    memory.value = 0;
    expect(await line(report, 'Resources under load')).toMatch(/highest memory 0% \(bus\)/);
  });

  it('a report saved before criteria said what they verify gets the links back from their expressions', async () => {
    const fresh = fixedReport();
    const verifies = fresh.criteria.map((c) => c.verifies);
    expect(verifies.filter(Boolean)).toEqual(['resources']); // redis.memory_used_pct: the one criterion on a declared metric
    const old = structuredClone(fresh);
    for (const c of old.criteria) delete c.verifies;
    expect(upgradeReport(old).criteria.map((c) => c.verifies)).toEqual(verifies);
    expect(await line(old, 'Resources under load')).toBe(await line(fresh, 'Resources under load'));
  });

  it("an engine's dependency series become the graph's edges and the checklist's line, as the engine kind declares them", async () => {
    const report = fixedReport();
    const risk = report.probes.find((p) => p.name === 'risk')!;
    risk.measurements.push(
      { metric: 'dependency_up', value: 1, unit: 'count', labels: { dependency: 'bus' } },
      { metric: 'dependency_latency_ms', value: 1.5, unit: 'ms', labels: { dependency: 'bus' } },
      { metric: 'dependency_up', value: 0, unit: 'count', labels: { dependency: 'ledger' } },
      { metric: 'dependencies_down', value: 1, unit: 'count' },
    );
    addHeadlines(report.probes);
    expect(risk.edges).toEqual([
      { to: 'bus', up: true, latencyMs: 1.5 },
      { to: 'ledger', up: false },
    ]);
    expect(await line(report, 'Engines communicating')).toBe(
      '| Engines communicating | ⚠️ MEASURED, NOT REQUIRED | 1 of 2 dependencies up (down: risk → ledger); dependencies down 1 (risk) |',
    );
    const md = await renderReport(report, 'markdown', { color: false });
    expect(md).toContain('## Engines communicating (1/2 dependencies up, reported by 1 engine(s))');
  });
});
