import { describe, expect, it } from 'vitest';
import { Schedule } from '../../src/load/schedule.js';
import { stagesOf } from '../../src/scenarios/rate.js';

describe('open-model schedule', () => {
  it('a constant rate: evenly spaced from the fixed start', () => {
    const s = new Schedule([{ from: 200, to: 200, durationMs: 20_000 }]);
    expect(s.total).toBe(4000);
    expect([0, 1, 2, 3999].map((i) => s.timeOf(i))).toEqual([0, 5, 10, 19_995]);
  });

  it('a ramp: the count is the area under the rate, times only increase, and the ramp ends at its duration', () => {
    const s = new Schedule(
      stagesOf({
        startRate: 0,
        stages: [
          { rate: 100, duration: 10_000 },
          { rate: 100, duration: 5_000 },
        ],
      }),
    );
    expect(s.total).toBe(500 + 500);
    const times = Array.from({ length: s.total }, (_, i) => s.timeOf(i));
    expect(times.every((t, i) => i === 0 || t > times[i - 1])).toBe(true);
    expect(s.timeOf(500)).toBeCloseTo(10_000, 6); // first request of the constant stage
    // Halfway through a 0 -> 100/s ramp only a quarter of its requests are due.
    expect(times.filter((t) => t < 5_000)).toHaveLength(125);
  });

  it('stages start from the previous stage rate when no startRate is given', () => {
    expect(
      stagesOf({
        stages: [
          { rate: 50, duration: 1000 },
          { rate: 150, duration: 1000 },
        ],
      }),
    ).toEqual([
      { from: 50, to: 50, durationMs: 1000 },
      { from: 50, to: 150, durationMs: 1000 },
    ]);
  });
});
