import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FORMAT_NAMES, FORMATS, renderReport } from '../../src/reports/formats.js';
import { fixedReport } from '../helpers/fixed-report.js';

const ext = (f: keyof typeof FORMATS) => FORMATS[f].extensions[0];
const golden = (f: keyof typeof FORMATS) => new URL(`../../fixtures/golden/report${ext(f)}`, import.meta.url);

// Every format rendered from one fixed report and compared with its golden file. After an intended
// change of a renderer, regenerate them with UPDATE_GOLDEN=1 npm test, and review the diff.
describe('golden files: every format from a fixed report', () => {
  const report = fixedReport();
  it.each(FORMAT_NAMES.map((f) => [f]))('%s', async (format) => {
    const out = await renderReport(report, format, { color: false, width: 120 });
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden(format), out);
    expect(existsSync(golden(format)), `fixtures/golden/report${ext(format)} exists (UPDATE_GOLDEN=1 writes it)`).toBe(true);
    expect(out).toBe(readFileSync(golden(format), 'utf8'));
    expect(out).not.toContain('s3cret-pw');
  });

  it('table --detail: every section as a table', async () => {
    const out = await renderReport(report, 'table', { color: false, width: 120, detail: true });
    const file = new URL('../../fixtures/golden/report.detail.txt', import.meta.url);
    if (process.env.UPDATE_GOLDEN) writeFileSync(file, out);
    expect(out).toBe(readFileSync(file, 'utf8'));
  });

  it('the Prometheus textfile passes promtool check metrics', async () => {
    const out = await renderReport(report, 'prometheus', { color: false });
    // promtool prints lint findings and exits non-zero on a format error.
    const result = execFileSync('promtool', ['check', 'metrics'], { input: out, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    expect(result.trim()).toBe('');
    expect(out).toContain('validate_verdict_go{platform="Trading platform"} 1');
    expect(out).toContain('validate_fault_recovery_seconds{platform="Trading platform",fault="bus-cut",type="redis-client-kill"} 0.35');
  });

  it('JUnit: one test case per probe, scenario, fault and criterion; failures and skips where they belong', async () => {
    const xml = await renderReport(report, 'junit', { color: false });
    expect(xml.match(/<testcase /g)).toHaveLength(
      report.probes.length + report.scenarios.length + report.faults.length + report.criteria.length,
    );
    expect(xml).toContain(
      `<testsuites name="validate: Trading platform" tests="${report.probes.length + report.scenarios.length + report.faults.length + report.criteria.length}" failures="0" errors="0" skipped="1"`,
    );
    expect(xml).toContain(
      '<skipped message="optional target failing: engine reports status &quot;maintenance&quot;; HTTP 503, expected 2xx"/>',
    );
    // Well-formed: every opened element is closed, in order.
    const stack: string[] = [];
    for (const [, close, name, selfClose] of xml.matchAll(/<(\/?)([a-z-]+)[^>]*?(\/?)>/g)) {
      if (selfClose) continue;
      if (close) expect(stack.pop()).toBe(name);
      else stack.push(name);
    }
    expect(stack).toEqual([]);
  });
});
