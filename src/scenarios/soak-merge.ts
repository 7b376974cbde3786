import { addHistograms } from '../results/histogram.js';
import type { ScenarioResult } from '../results/scenario-result.js';
import { sum } from '../results/sums.js';
import type { WindowResult } from '../results/window-result.js';

/**
 * A soak's windows over its shards, window by window: counts summed, histograms added (exact), rates
 * summed (the shards ran side by side); the infrastructure as the first shard that sampled it saw it.
 */
export function mergeSoakExtras(parts: ScenarioResult[]): Partial<ScenarioResult> {
  if (!parts[0].windows) return {};
  const shards = parts.map((r) => r.windows ?? []);
  const longest = shards.reduce((a, b) => (b.length > a.length ? b : a), []);
  const windows = longest.map((w, i): WindowResult => {
    const same = shards.map((s) => s[i]).filter((x): x is WindowResult => x !== undefined);
    const h = addHistograms(same.map((x) => x.histogram));
    const requests = sum(same.map((x) => x.requests));
    const errors = sum(same.map((x) => x.errors));
    return {
      ...w,
      requests,
      errors,
      errorRate: requests ? (errors / requests) * 100 : 0,
      rps: sum(same.map((x) => x.rps)),
      latencyMs: h.summary,
      histogram: h.encoded,
      infra: same.find((x) => x.infra.length)?.infra ?? [],
    };
  });
  return { windows };
}
