import { describe, expect, it } from 'vitest';
import { niceStep, niceTicks, tickLabel, timeLabel, timeTicks } from '../../src/reports/ticks.js';

describe('axis ticks people read at a glance', () => {
  it('steps are 1, 2 or 5 times a power of ten, start at 0, and the last tick covers the maximum', () => {
    for (const max of [0.37, 1, 2.5, 7.3, 54_823, 41_100, 27_400, 999, 1001, 123_456_789]) {
      const t = niceTicks(max);
      const mantissa = t.step / 10 ** Math.floor(Math.log10(t.step));
      expect([1, 2, 5], `step ${t.step} for max ${max}`).toContain(Math.round(mantissa * 1e9) / 1e9);
      expect(t.ticks[0]).toBe(0);
      expect(t.max).toBeGreaterThanOrEqual(max);
      expect(t.max - t.step).toBeLessThan(max); // no empty band above the data
      for (const [i, v] of t.ticks.entries()) expect(v).toBeCloseTo(i * t.step, 9);
      expect(t.ticks.length).toBeGreaterThanOrEqual(3);
      expect(t.ticks.length).toBeLessThanOrEqual(11);
    }
  });

  it("labels are round: the reference report's 54.8k / 41.1k / 27.4k become 0 / 20k / 40k / 60k", () => {
    const t = niceTicks(54_823);
    expect(t.ticks.map((v) => tickLabel(v, t.step))).toEqual(['0', '20k', '40k', '60k']);
    const small = niceTicks(1.4);
    expect(small.ticks.map((v) => tickLabel(v, small.step))).toEqual(['0', '0.5', '1.0', '1.5']);
    expect(niceStep(0.003)).toBeCloseTo(0.005, 12);
  });

  it('time axes tick at round times from the start and read m:ss, or seconds under a second per step', () => {
    const t = timeTicks(95);
    expect(t.ticks).toEqual([0, 15, 30, 45, 60, 75, 90, 105]);
    expect(t.ticks.map((v) => timeLabel(v, t.step))).toEqual(['0:00', '0:15', '0:30', '0:45', '1:00', '1:15', '1:30', '1:45']);
    expect(timeLabel(8 * 3600, 3600)).toBe('8:00:00');
    const short = timeTicks(0.3);
    expect(short.ticks.map((v) => timeLabel(v, short.step))).toEqual(['0 s', '0.1 s', '0.2 s', '0.3 s']);
  });
});
