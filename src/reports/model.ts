import type { CriterionResult } from '../results/criterion-result.js';
import type { Verdict } from '../results/criterion-result.js';
import type { PhaseResult, ProbeResult, Status } from '../results/result.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import type { FaultResult } from '../results/fault-result.js';
import type { SinceLastRuns } from '../results/since-last-runs.js';
import type { Redactor } from '../util/redact.js';

/** Bumped on any incompatible change of the JSON report; readers check it. */
export const SCHEMA_VERSION = 1;

export interface Counts {
  total: number;
  pass: number;
  fail: number;
  warn: number;
  skip: number;
}

/**
 * The report model: the JSON contract (ARCHITECTURE.md, Contracts) and the single input of every renderer. Anything a
 * renderer shows is here, already decided; renderers only lay it out.
 */
export interface Report {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: 'validate'; version: string };
  platform: string;
  source: string;
  verdict: Verdict;
  aborted: boolean;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  summary: {
    probes: Counts;
    criteria: { total: number; met: number; notMet: number; inconclusive: number; warnings: number };
    /** Names of required targets that failed (these alone make NO-GO). */
    requiredFailing: string[];
    /** Names of optional targets that failed (reported, not blocking). */
    optionalFailing: string[];
  };
  /** One paragraph: the verdict and what to do, made of the two lists below. */
  recommendation: string;
  /** What makes it NO-GO, one item each: fix these before going live. */
  blockers: string[];
  /**
   * What the tool could not vouch for, one item each with its cause (a load result its generator could
   * not keep up with, a fault experiment that did not take effect): the reasons for INCONCLUSIVE.
   */
  inconclusive: string[];
  /** What does not block but should be looked at: warnings, optional targets, errors within budget, criteria not judged. */
  followUps: string[];
  phases: PhaseResult[];
  probes: ProbeResult[];
  scenarios: ScenarioResult[];
  faults: FaultResult[];
  criteria: CriterionResult[];
  notes: string[];
  /** With --wait: how long the run waited for the required targets before judging. */
  waitedMs?: number;
  /** One shard of a sharded run (`--shard i/n`): `validate merge` makes the whole from these. */
  shard?: ShardInfo;
  /** A merged report: the shards it was made from. */
  mergedFrom?: { files: string[]; shards: number; missing: number[] };
  /** With --history: what changed since the last runs it keeps. */
  sinceLastRuns?: SinceLastRuns;
}

export interface ShardInfo {
  index: number;
  total: number;
  /** The load it is a slice of (targets, scenarios, faults, generator): shards of one run have the same. */
  configHash: string;
  /** The common start (--start-at), as given. */
  startAt?: string;
}

export interface ReportInput {
  platform: string;
  source: string;
  version: string;
  startedAt: Date;
  finishedAt: Date;
  aborted: boolean;
  verdict: Verdict;
  phases: PhaseResult[];
  probes: ProbeResult[];
  scenarios?: ScenarioResult[];
  faults?: FaultResult[];
  criteria: CriterionResult[];
  notes?: string[];
  waitedMs?: number;
  shard?: ShardInfo;
  mergedFrom?: Report['mergedFrom'];
}

export function buildReport(input: ReportInput, redactor: Redactor): Report {
  const count = (s: Status) => input.probes.filter((p) => p.status === s).length;
  const requiredFailing = input.probes.filter((p) => p.required && p.status === 'fail').map((p) => p.name);
  const optionalFailing = input.probes.filter((p) => !p.required && p.status === 'fail').map((p) => p.name);
  const report: Report = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'validate', version: input.version },
    platform: input.platform,
    source: input.source,
    verdict: input.verdict,
    aborted: input.aborted,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    durationMs: input.finishedAt.getTime() - input.startedAt.getTime(),
    summary: {
      probes: { total: input.probes.length, pass: count('pass'), fail: count('fail'), warn: count('warn'), skip: count('skip') },
      criteria: {
        total: input.criteria.length,
        met: input.criteria.filter((c) => c.status === 'pass').length,
        notMet: input.criteria.filter((c) => c.status === 'fail').length,
        inconclusive: input.criteria.filter((c) => c.status === 'inconclusive').length,
        warnings: input.criteria.filter((c) => c.status === 'warn').length,
      },
      requiredFailing,
      optionalFailing,
    },
    ...recommend(input, requiredFailing, optionalFailing),
    phases: input.phases,
    probes: input.probes,
    scenarios: input.scenarios ?? [],
    faults: input.faults ?? [],
    criteria: input.criteria,
    notes: input.notes ?? [],
    waitedMs: input.waitedMs,
    ...(input.shard && { shard: input.shard }),
    ...(input.mergedFrom && { mergedFrom: input.mergedFrom }),
  };
  // Last line of defence: no secret leaves through any format.
  return redactor.scrubDeep(report);
}

type Recommendation = Pick<Report, 'recommendation' | 'blockers' | 'inconclusive' | 'followUps'>;

function recommend(input: ReportInput, requiredFailing: string[], optionalFailing: string[]): Recommendation {
  const found = { ...findings(input, requiredFailing, optionalFailing), inconclusive: unvouched(input) };
  const { blockers, followUps, inconclusive } = found;
  if (input.aborted) return { recommendation: 'Run interrupted: this report is partial and cannot support a go-live decision.', ...found };
  if (input.verdict === 'GO') {
    const healthy = input.probes.every((p) => p.status === 'pass') && followUps.length === 0;
    const recommendation =
      followUps.length === 0
        ? `GO: every critical criterion is met${healthy ? ' and every target is healthy' : ''}.`
        : `GO: every critical criterion is met. Follow up before or soon after go-live: ${followUps.join('; ')}.`;
    return { recommendation, ...found };
  }
  if (input.verdict === 'INCONCLUSIVE') {
    const recommendation = `INCONCLUSIVE: nothing failed on numbers validate could vouch for, but it could not vouch for ${inconclusive.join('; ')}. Remove the cause and run validate again; this is not a verdict on the platform.${followUps.length ? ` Also: ${followUps.join('; ')}.` : ''}`;
    return { recommendation, ...found };
  }
  const unsure = inconclusive.length ? ` Not judged (the tool could not vouch for it): ${inconclusive.join('; ')}.` : '';
  return {
    recommendation: `NO-GO: fix ${blockers.join('; ')}; then run validate again.${unsure}${followUps.length ? ` Also: ${followUps.join('; ')}.` : ''}`,
    ...found,
  };
}

/**
 * What the tool could not vouch for, each with its cause: load results its generator could not stand
 * behind, fault experiments that tested nothing, and any other criterion it could not judge.
 */
function unvouched(input: ReportInput): string[] {
  const out = [
    ...(input.scenarios ?? []).filter((r) => r.validity === 'INVALID').map((r) => `load result ${r.name} (${r.invalidReason})`),
    ...(input.faults ?? []).filter((f) => f.inconclusive).map((f) => `fault experiment ${f.name} (${f.inconclusive})`),
  ];
  const covered = new Set([
    ...(input.scenarios ?? []).filter((r) => r.validity === 'INVALID').map((r) => `scenario.${r.name}`),
    ...(input.faults ?? []).filter((f) => f.inconclusive).map((f) => `fault.${f.name}`),
  ]);
  const doubted = input.criteria.filter((c) => c.status === 'inconclusive' && !c.subjects.some((s) => covered.has(s)));
  for (const c of doubted.filter((x) => !x.margin)) out.push(`criterion ${c.name} (${c.reason ?? 'not judged'})`);
  // Numbers within their error bars: named together, and what the bars are said once.
  const within = doubted.filter((x) => x.margin);
  const busy = within.find((c) => c.busyMachine)?.busyMachine;
  if (within.length)
    out.push(
      `${within.map((c) => c.name).join(', ')}, within their error bars (what the load generator${busy ? ` and this busy machine, ${busy},` : ''} may have added)`,
    );
  return out;
}

/** What blocks going live and what only needs following up, each a short sentence naming the things. */
function findings(
  input: ReportInput,
  requiredFailing: string[],
  optionalFailing: string[],
): Pick<Recommendation, 'blockers' | 'followUps'> {
  // Failing required targets are named on their own; every other blocking criterion is named here.
  const blocking = input.criteria.filter((c) => c.status === 'fail' && !c.implicit);
  // Failing required targets are named above, by name: their implicit criterion would say it again.
  const implicitBlocking = input.criteria.filter((c) => c.status === 'fail' && c.implicit && c.key !== 'required-probes');
  const unmet = [...implicitBlocking, ...blocking].filter((c) => c.outcome === 'NOT MET').map((c) => c.name);
  const unmeasured = [...implicitBlocking, ...blocking].filter((c) => c.outcome === 'NOT RUN').map((c) => c.name);
  const warned = input.criteria.filter((c) => c.status === 'warn').map((c) => c.name);
  const skipped = input.criteria.filter((c) => c.status === 'skip');
  const withErrors = (input.scenarios ?? [])
    .filter((r) => r.errors > 0 && r.status !== 'fail')
    .map((r) => `${r.name} (${(100 - r.successRate).toFixed(2)}%)`);
  const warning = input.probes.filter((p) => p.status === 'warn').map((p) => p.name);
  const followUps = [
    warning.length ? `target(s) warning: ${warning.join(', ')}` : '',
    optionalFailing.length ? `optional target(s) failing: ${optionalFailing.join(', ')}` : '',
    warned.length ? `warning criteria not met: ${warned.join(', ')}` : '',
    withErrors.length ? `load results with errors within their budget: ${withErrors.join(', ')}` : '',
    skipped.length ? `${skipped.length} criteria not judged (${[...new Set(skipped.map((c) => c.reason ?? 'not run'))].join('; ')})` : '',
  ].filter(Boolean);
  const blockers = [
    requiredFailing.length ? `required target(s) failing: ${requiredFailing.join(', ')}` : '',
    unmet.length ? `critical criteria not met: ${unmet.join(', ')}` : '',
    unmeasured.length ? `critical criteria that measured nothing (NOT RUN): ${unmeasured.join(', ')}` : '',
  ].filter(Boolean);
  return { blockers, followUps };
}
