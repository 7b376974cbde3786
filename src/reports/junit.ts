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

/** Each probe: a required target failing fails; an optional one, or one not run, is skipped. */
function probeCases(report: Report): Case[] {
  return report.probes.map((p) => ({
    classname: `validate.probes.${p.kind}`,
    name: p.name,
    seconds: p.durationMs / 1000,
    failure: p.status === 'fail' && p.required ? p.error : undefined,
    skipped: p.status === 'skip' ? p.error : p.status === 'fail' && !p.required ? `optional target failing: ${p.error}` : undefined,
    out: p.warnings.length ? p.warnings.join('\n') : undefined,
  }));
}

/** Each load result: over its error budget fails; INVALID is an error. */
function scenarioCases(report: Report): Case[] {
  return report.scenarios.map((s) => ({
    classname: `validate.scenarios.${s.kind}`,
    name: s.name,
    seconds: s.durationMs / 1000,
    failure: s.status === 'fail' ? `${s.errors} of ${s.requests} requests failed` : undefined,
    error: s.validity === 'INVALID' ? `INVALID: ${s.invalidReason}` : undefined,
    out: `${s.requests} requests, ${s.errors} errors, ${s.rps.toFixed(1)}/s, p50 ${formatMs(s.latencyMs.p50)}, p99 ${formatMs(s.latencyMs.p99)}, max ${formatMs(s.latencyMs.max)}`,
  }));
}

/** Each fault experiment, with its recovery and whether it stayed isolated. */
function faultCases(report: Report): Case[] {
  return report.faults.map((f) => ({
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
  }));
}

/** Each criterion: NOT MET fails, INCONCLUSIVE is an error, NOT RUN is skipped. */
function criterionCases(report: Report): Case[] {
  return report.criteria.map((c) => ({
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
  }));
}

/** One suite: its counts, then a test case per item. */
function suiteLines(report: Report, name: string, cases: Case[]): string[] {
  const count = (f: (c: Case) => unknown) => cases.filter(f).length;
  const lines = [
    `  <testsuite name="${name}" tests="${cases.length}" failures="${count((c) => c.failure)}" errors="${count((c) => c.error)}" skipped="${count((c) => c.skipped)}" time="${cases.reduce((a, c) => a + c.seconds, 0).toFixed(3)}" timestamp="${report.startedAt.replace(/\.\d+Z$/, '')}">`,
  ];
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
  return lines;
}

/**
 * JUnit XML, as the common CI parsers read it (Jenkins, GitLab, GitHub test reporters): a suite each for
 * probes, load scenarios, faults and criteria; a test case per item; failures carry their cause.
 */
export function render(report: Report, _opts: RenderOptions): string {
  const suites: [string, Case[]][] = [
    ['probes', probeCases(report)],
    ['scenarios', scenarioCases(report)],
    ['faults', faultCases(report)],
    ['criteria', criterionCases(report)],
  ];
  const count = (cs: Case[], f: (c: Case) => unknown) => cs.filter(f).length;
  const all = suites.flatMap(([, cs]) => cs);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${esc(`validate: ${report.platform}`)}" tests="${all.length}" failures="${count(all, (c) => c.failure)}" errors="${count(all, (c) => c.error)}" skipped="${count(all, (c) => c.skipped)}" time="${(report.durationMs / 1000).toFixed(3)}">`,
  ];
  for (const [name, cases] of suites) if (cases.length) lines.push(...suiteLines(report, name, cases));
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
