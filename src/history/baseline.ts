import type { RunSummary } from './store.js';

/** The run `compare --baseline history` measures: a saved report's, or the newest the history holds. */
export interface CurrentRun {
  platform: string;
  startedAt: string;
}

/**
 * The runs that may be a run's baseline, newest first: GO runs of the same platform that started before it
 * (so a run already kept in the history is never its own baseline, and an old report is compared with what
 * came before it, not after). The caller takes as many as it needs, skipping any whose report cannot be read.
 */
export function baselineCandidates(runs: RunSummary[], current: CurrentRun): RunSummary[] {
  const before = Date.parse(current.startedAt);
  return runs.filter((r) => r.verdict === 'GO' && r.platform === current.platform && Date.parse(r.startedAt) < before).reverse();
}

/** Why there is no baseline, in words that say what the history does hold. */
export function noBaseline(runs: RunSummary[], current: CurrentRun, place: string): string {
  const same = runs.filter((r) => r.platform === current.platform);
  const earlier = same.filter((r) => Date.parse(r.startedAt) < Date.parse(current.startedAt));
  const holds = !same.length
    ? `no run of platform "${current.platform}"${runs.length ? ` (its ${runs.length} runs are of ${[...new Set(runs.map((r) => `"${r.platform}"`))].join(', ')})` : ''}`
    : !earlier.length
      ? `no run of "${current.platform}" before this one (${current.startedAt})`
      : `no GO run of "${current.platform}" before this one (${earlier.length} earlier: ${[...new Set(earlier.map((r) => r.verdict))].join(', ')})`;
  return `Nothing to compare with: the history ${place} holds ${holds}`;
}
