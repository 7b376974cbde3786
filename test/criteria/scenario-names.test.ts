import { describe, expect, it } from 'vitest';
import { compileCriterion, type Criterion } from '../../src/criteria/compile.js';
import { evaluateCriteria } from '../../src/criteria/evaluate.js';
import { metricCatalog } from '../../src/config/catalog.js';
import type { MeasuredItem } from '../../src/results/result.js';

// A scenario over several targets makes one result per target (lat-web, lat-api): its own name, as users
// write it in a criterion, reads all of them together (the worst, for a bound a maximum must stay under).
const catalog = metricCatalog({
  targets: [],
  results: [
    { name: 'lat-web', scenario: 'lat' },
    { name: 'lat-api', scenario: 'lat' },
    { name: 'peak', scenario: 'peak' },
  ],
  faults: [],
});

function compile(expect: string): Criterion | string {
  return compileCriterion({ expect, severity: 'critical' }, catalog);
}

const result = (name: string, p99: number, rps: number): MeasuredItem => ({
  family: 'scenario',
  kind: 'scenario',
  name,
  status: 'pass',
  required: true,
  measurements: [
    { metric: 'p99_ms', value: p99, unit: 'ms' },
    { metric: 'rps', value: rps, unit: 'per_second' },
  ],
});
const results = [result('lat-web', 4, 900), result('lat-api', 40, 300), result('peak', 400, 1000)];

describe('scenario names as users write them', () => {
  it("a per-target scenario's name reads its results together: its worst p99, its lowest rate, and says which results", () => {
    const p99 = compile('scenario.lat.p99_ms < 10ms') as Criterion;
    const rps = compile('scenario.lat.rps >= 500/s') as Criterion;
    const [slow, few] = evaluateCriteria([p99, rps], results);
    expect(slow).toMatchObject({
      actual: 40,
      outcome: 'NOT MET',
      subjects: ['scenario.lat-web', 'scenario.lat-api'],
      inWords: "p99 under 10ms on the worst of lat's 2 results (lat-web, lat-api)",
    });
    expect(few).toMatchObject({ actual: 300, outcome: 'NOT MET' });
    // Each result by its own name still reads that result alone.
    expect(evaluateCriteria([compile('scenario.lat-web.p99_ms < 10ms') as Criterion], results)[0]).toMatchObject({
      actual: 4,
      outcome: 'MET',
    });
  });

  it('a name or a measurement that is not there gets the likely one, and the names there are', () => {
    expect(compile('scenario.lt.p99_ms < 10ms')).toBe(
      'unknown scenario "lt" in "scenario.lt.p99_ms" (did you mean "lat"?); this config has: lat, lat-web, lat-api, peak',
    );
    expect(compile('scenario.p99 < 10ms')).toBe('unknown measurement "scenario.p99" (did you mean "scenario.p99_ms"?)');
    expect(compile('scenario.lat.p99 < 10ms')).toMatch(
      /^unknown measurement "p99" for scenario "lat" \(did you mean "scenario\.lat\.p99_ms"\?\)/,
    );
  });
});
