import { escapeXml } from './escape.js';
import type { Report } from './model.js';
import type { RenderOptions } from './formats.js';
import { criterionActual, formatMs } from './format-values.js';

const esc = escapeXml;

interface Case {
  classname: string;
  name: string;
  seconds: number;
  failure?: string;
  /** Could not be judged (INCONCLUSIVE): an error of the test, not a failure of what it tests. */
  error?: string;
  skipped?: string;
  out?: string;
}

/**
 * JUnit XML, as the common CI parsers read it (Jenkins, GitLab, GitHub test reporters): a suite each for
 * probes, load scenarios, faults and criteria; a test case per item; failures carry their cause.
 */
export function render(report: Report, _opts: RenderOptions): string {
  const suites: [string, Case[]][] = [
    [
      'probes',
      report.probes.map((p) => ({
        classname: `validate.probes.${p.kind}`,
        name: p.name,
        seconds: p.durationMs / 1000,
        failure: p.status === 'fail' && p.required ? p.error : undefined,
        skipped: p.status === 'skip' ? p.error : p.status === 'fail' && !p.required ? `optional target failing: ${p.error}` : undefined,
        out: p.warnings.length ? p.warnings.join('\n') : undefined,
      })),
    ],
    [
      'scenarios',
      report.scenarios.map((s) => ({
        classname: `validate.scenarios.${s.kind}`,
        name: s.name,
        seconds: s.durationMs / 1000,
        failure: s.status === 'fail' ? `${s.errors} of ${s.requests} requests failed` : undefined,
        error: s.validity === 'INVALID' ? `INVALID: ${s.invalidReason}` : undefined,
        out: `${s.requests} requests, ${s.errors} errors, ${s.rps.toFixed(1)}/s, p50 ${formatMs(s.latencyMs.p50)}, p99 ${formatMs(s.latencyMs.p99)}, max ${formatMs(s.latencyMs.max)}`,
      })),
    ],
    [
      'faults',
      report.faults.map((f) => ({
        classname: `validate.faults.${f.type}`,
        name: f.name,
        seconds: f.durationMs / 1000,
        failure: f.status === 'fail' ? f.error : undefined,
        error: f.status === 'inconclusive' ? f.error : undefined,
        skipped: f.status === 'skip' ? f.error : undefined,
        out:
          f.tookEffect && f.recoveryMs !== null
            ? `${f.disruptionSeen ? `recovered in ${formatMs(f.recoveryMs)}` : 'no disruption seen (absorbed)'}; ${f.isolated ? 'isolated' : `also failed: ${f.affected.join(', ')}`}`
            : undefined,
      })),
    ],
    [
      'criteria',
      report.criteria.map((c) => ({
        classname: `validate.criteria.${c.severity}`,
        name: c.name,
        seconds: 0,
        failure: c.status === 'fail' ? `${c.outcome}: ${c.expression}; actual ${criterionActual(c)}` : undefined,
        error: c.status === 'inconclusive' ? `INCONCLUSIVE: ${c.expression}; ${c.reason ?? 'not judged'}` : undefined,
        skipped: c.status === 'skip' ? (c.reason ?? 'not run') : undefined,
        out:
          c.status === 'warn'
            ? `warning, NOT MET: ${c.expression}; actual ${criterionActual(c)}`
            : `${c.outcome}: ${c.expression}; actual ${criterionActual(c)}`,
      })),
    ],
  ];
  const count = (cs: Case[], f: (c: Case) => unknown) => cs.filter(f).length;
  const all = suites.flatMap(([, cs]) => cs);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${esc(`validate: ${report.platform}`)}" tests="${all.length}" failures="${count(all, (c) => c.failure)}" errors="${count(all, (c) => c.error)}" skipped="${count(all, (c) => c.skipped)}" time="${(report.durationMs / 1000).toFixed(3)}">`,
  ];
  for (const [name, cases] of suites) {
    if (cases.length === 0) continue;
    lines.push(
      `  <testsuite name="${name}" tests="${cases.length}" failures="${count(cases, (c) => c.failure)}" errors="${count(cases, (c) => c.error)}" skipped="${count(cases, (c) => c.skipped)}" time="${cases.reduce((a, c) => a + c.seconds, 0).toFixed(3)}" timestamp="${report.startedAt.replace(/\.\d+Z$/, '')}">`,
    );
    for (const c of cases) {
      const open = `    <testcase classname="${esc(c.classname)}" name="${esc(c.name)}" time="${c.seconds.toFixed(3)}"`;
      const body = [
        c.failure !== undefined ? `      <failure message="${esc(c.failure)}" type="NOT MET">${esc(c.failure)}</failure>` : '',
        c.error !== undefined ? `      <error message="${esc(c.error)}" type="INCONCLUSIVE">${esc(c.error)}</error>` : '',
        c.skipped !== undefined ? `      <skipped message="${esc(c.skipped)}"/>` : '',
        c.out ? `      <system-out>${esc(c.out)}</system-out>` : '',
      ].filter(Boolean);
      lines.push(body.length ? `${open}>\n${body.join('\n')}\n    </testcase>` : `${open}/>`);
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
