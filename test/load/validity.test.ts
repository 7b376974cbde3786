import { describe, expect, it } from 'vitest';
import { DELAY_PERCENTILES, type GeneratorHealth } from '../../src/load/generator-health.js';
import { DEFAULT_LIMITS } from '../../src/load/measure.js';
import { Recorder } from '../../src/load/recorder.js';
import { Schedule } from '../../src/load/schedule.js';
import { recordMs } from '../../src/results/histogram.js';
import { toScenarioResult, type ResultInfo } from '../../src/load/to-result.js';

/**
 * Validity from what the generator's delay did to the numbers, on a sample that supports the level it
 * reads: pure, from recorders filled as an open loop fills them (no server, no clock).
 */
const quiet: GeneratorHealth = {
  eventLoopDelayP99Ms: 0.2,
  eventLoopDelayMaxMs: 0.4,
  delayMs: {
    min: 0,
    mean: 0.1,
    p50: 0.1,
    p90: 0.2,
    p99: 0.2,
    p999: 0.4,
    max: 0.4,
    quantiles: DELAY_PERCENTILES.map((p) => (p < 90 ? 0.1 : 0.3)),
  },
  maxRssMb: 100,
  busyPct: 3,
  loadPerCore: 0.1,
  cpuPressurePct: 1,
};

function openRun(requests: number, serverMs: number, lateMs: (i: number) => number): { info: ResultInfo; recorder: Recorder } {
  const recorder = new Recorder(true);
  for (let i = 0; i < requests; i++) {
    const late = lateMs(i);
    recordMs(recorder.scheduleLag, late);
    recorder.record(late + serverMs, null, 200, serverMs, i * 25);
  }
  recorder.stop();
  const info: ResultInfo = {
    name: 'shard',
    kind: 'rate',
    scenario: 'shard',
    target: 'http://10.9.8.7/',
    url: 'http://10.9.8.7/',
    model: {
      type: 'open',
      schedule: new Schedule([{ from: 40, to: 40, durationMs: (requests / 40) * 1000 }]),
      maxConnections: 10,
      lateAfterMs: 5,
      drainMs: 1000,
    },
    limits: DEFAULT_LIMITS,
    successPct: 99.9,
  };
  return { info, recorder };
}

describe('a result is INVALID only when the generator made its numbers', () => {
  it('one request sent 14 ms late in fourteen: VALID, the lateness its p99 error bar, not a discarded run', () => {
    const { info, recorder } = openRun(14, 2, (i) => (i === 7 ? 14 : 0.1));
    const r = toScenarioResult(info, recorder, quiet);
    expect(r.validity).toBe('VALID');
    // Fourteen requests cannot support a p99: it is their slowest, and so is its error bar.
    expect(r.latencyMs.p99).toBeCloseTo(r.latencyMs.max, 1);
    expect(r.generator.shareMs!.p99).toBeGreaterThanOrEqual(14);
    expect(r.measurements.find((m) => m.metric === 'p99_ms')!.margin).toBe(r.generator.shareMs!.p99);
    // Where most requests went out on time, the median's bar is the small one.
    expect(r.generator.shareMs!.p50).toBeLessThan(1);
  });

  it('a tenth of 300 requests sent 50 ms late: their delay is most of the p99 measured, INVALID, saying so', () => {
    const { info, recorder } = openRun(300, 2, (i) => (i % 10 === 0 ? 50 : 0.1));
    const r = toScenarioResult(info, recorder, quiet);
    expect(r.validity).toBe('INVALID');
    expect(r.invalidReason).toMatch(
      /^the load generator sent requests 50\.\d ms late at p99 of 300, over the 10 ms limit and most of the 52\.\d ms measured there/,
    );
  });

  it("late sends that are a small part of a slow server's latency are its error bar: VALID", () => {
    const { info, recorder } = openRun(300, 200, (i) => (i % 10 === 0 ? 15 : 0.1));
    const r = toScenarioResult(info, recorder, quiet);
    expect(r.validity).toBe('VALID');
    expect(r.generator.shareMs!.p99).toBeGreaterThanOrEqual(15);
  });
});

describe('a busy machine the target shares', () => {
  it("may account for everything above the target's median: a 3 ms server reading p99 44 ms is undecided there, a 10 ms one is still slow at its median", () => {
    const busy: GeneratorHealth = { ...quiet, cpuPressurePct: 98, loadPerCore: 2.4 };
    const fast = openRun(300, 3, () => 0.1);
    // The machine held some answers 40 ms, as a hog's slice does (the server's own clock would say 3 ms each).
    for (let i = 0; i < 6; i++) fast.recorder.latency.recordValue(44_000);
    const local = { ...fast.info, url: 'http://127.0.0.1:8080/', target: 'http://127.0.0.1:8080/' };
    const r = toScenarioResult(local, fast.recorder, busy);
    expect(r.generator.busyMachine).toMatch(/^load [\d.]+ on \d+ cores, CPU pressure 98%$/);
    expect(r.latencyMs.p99).toBeGreaterThan(40);
    expect(r.generator.shareMs!.p99).toBeGreaterThanOrEqual(r.latencyMs.p99 - r.latencyMs.p50);
    // The same numbers from a target elsewhere: only what the generator sampled of itself.
    const remote = toScenarioResult(fast.info, fast.recorder, busy);
    expect(remote.generator.shareMs!.p99).toBeLessThan(5);
    // And on a quiet machine the target's tail is its own.
    expect(toScenarioResult(local, fast.recorder, quiet).generator.shareMs!.p99).toBeLessThan(5);
  });
});
