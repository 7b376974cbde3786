import { describe, expect, it } from 'vitest';
import { changePoints, outlierNights } from '../../src/history/change-points.js';

/**
 * Change points on series whose truth is known: the shifts and where they start are put there, and the
 * noise comes from a seeded generator, so the series is the same on every machine. The detection rates
 * over many series are figures in bench/change-points.ts; here, single cases that must hold.
 */
let seed = 7;
const rnd = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 4294967296;
};
const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
const noisy = (level: number, n: number, noise = 0.05) => Array.from({ length: n }, () => level * (1 + noise * gauss()));

describe('change points (rank-based E-divisive, permutation test, outlier nights set aside)', () => {
  it('a 50% step after 30 runs: found at the step, with its size', () => {
    const xs = [...noisy(100, 30), ...noisy(150, 10)];
    const step = changePoints(xs).find((c) => c.index === 30);
    expect(step).toBeDefined();
    expect(step!.shiftPct).toBeGreaterThan(40);
    expect(step!.shiftPct).toBeLessThan(60);
    expect(step!.p).toBeLessThanOrEqual(0.1);
    // Its size is the medians on either side, as the series says.
    const median = (a: number[]) => {
      const s = [...a].sort((x, y) => x - y);
      return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    };
    // Before it: since the change point before it, if there is one (this seeded noise has its first five runs high).
    const from = Math.max(
      0,
      ...changePoints(xs)
        .filter((c) => c.index < 30)
        .map((c) => c.index),
    );
    expect(step!.levelBefore).toBeCloseTo(median(xs.slice(from, 30)), 9);
    expect(step!.levelAfter).toBeCloseTo(median(xs.slice(30)), 9);
  });

  it('two steps, up then back down: both found, in order, with their signs', () => {
    const xs = [...noisy(100, 20), ...noisy(130, 20), ...noisy(100, 20)];
    const cps = changePoints(xs);
    expect(cps.map((c) => c.index)).toEqual([20, 40]);
    expect(cps[0].shiftPct).toBeGreaterThan(0);
    expect(cps[1].shiftPct).toBeLessThan(0);
  });

  it('noise alone, and a constant series: no change point', () => {
    expect(changePoints(noisy(100, 60))).toEqual([]);
    expect(changePoints(Array(40).fill(12.5))).toEqual([]);
  });

  it('a slow drift that no two runs show (3% a run for 10 runs) is still a change in level', () => {
    const drift = Array.from({ length: 10 }, (_, i) => 100 * (1 + 0.03 * (i + 1)) * (1 + 0.01 * gauss()));
    const xs = [...noisy(100, 20, 0.01), ...drift, ...noisy(130, 10, 0.01)];
    const cps = changePoints(xs);
    expect(cps.length).toBeGreaterThanOrEqual(1);
    expect(cps[0].index).toBeGreaterThanOrEqual(18);
    expect(cps[0].index).toBeLessThanOrEqual(30);
  });

  it('outlier nights (a neighbour, a GC storm: two to three times slower, one night each) are named and set aside: they hide no shift and make none', () => {
    const xs = [...noisy(100, 30, 0.02), ...noisy(112, 6, 0.02)];
    for (const i of [4, 13, 22, 27]) xs[i] *= 2 + (i % 3) * 0.4;
    expect(outlierNights(xs)).toEqual([4, 13, 22, 27]);
    const cps = changePoints(xs);
    const step = cps.find((c) => c.index === 30);
    expect(step?.shiftPct).toBeGreaterThan(6);
    expect(step?.shiftPct).toBeLessThan(18);
    // None where an outlier night is, or next to one.
    for (const i of [4, 13, 22, 27]) expect(cps.filter((c) => Math.abs(c.index - i) <= 1)).toEqual([]);
    // Two bad nights in a row, or the newest run, may be a new level: not set aside.
    const pair = noisy(100, 20);
    pair[10] *= 2;
    pair[11] *= 2;
    pair[19] *= 2;
    expect(outlierNights(pair)).toEqual([]);
  });

  it('a night is set aside only when no kept night around it is as slow: the first night may be one, the last never', () => {
    // Nightly p99s a CI run gave (ms): two slow nights among steady ones.
    expect(outlierNights([7.54, 9.02, 7.66, 7.66, 9.95, 7.6, 7.7])).toEqual([1, 4]);
    // The slower of the two is followed by another slow night (a new level, perhaps): it stays, and so
    // must the milder one, or the baseline would keep 9.95 ms and drop 9.02 ms.
    expect(outlierNights([7.54, 9.02, 7.66, 7.66, 9.95, 9.8, 7.7])).toEqual([]);
    // So with a newest run slower than both: it may be a new level, and it out-does them.
    expect(outlierNights([7.54, 9.02, 7.66, 7.66, 9.95, 7.6, 40])).toEqual([]);
    // A cold first night is an outlier like any other; a slow first night followed by another is not.
    expect(outlierNights([9.95, 7.54, 7.66, 7.66, 7.6, 7.7, 7.62])).toEqual([0]);
    expect(outlierNights([9.95, 9.02, 7.66, 7.66, 7.6, 7.7, 7.62])).toEqual([]);
  });

  it('in a very steady series, a night a few tenths of a millisecond off is no outlier; a night twice as slow is', () => {
    // A delay server's p50, night after night: 40.0 ms to the tenth, and one night 0.48 ms over (a CI run marked it).
    const steady = Array.from({ length: 20 }, (_, i) => 40 + (i % 3) * 0.01);
    steady[2] = 40.48;
    expect(outlierNights(steady)).toEqual([]);
    steady[8] = 80;
    expect(outlierNights(steady)).toEqual([8]);
  });

  it('the same series gives the same answer (a seeded test), and a series too short to split gives none', () => {
    const xs = [...noisy(100, 15), ...noisy(112, 6)];
    expect(changePoints(xs)).toEqual(changePoints(xs));
    expect(changePoints([1, 2, 3, 4, 5])).toEqual([]);
  });
});

describe('change points over many series (seeded: the same series on every machine)', () => {
  // The benchmark (bench/change-points.ts) measures these over 100 series each; here 40, as a floor a change must not break.
  const series = (n: number, noise: number, shiftAt?: number, shift = 0) =>
    Array.from({ length: n }, (_, i) => 100 * (1 + (shiftAt !== undefined && i >= shiftAt ? shift : 0)) * (1 + noise * gauss()));
  const within5 = (xs: number[]) => {
    for (let k = 3; k <= 5; k++)
      if (changePoints(xs.slice(0, 30 + k)).some((c) => Math.abs(c.index - 30) <= 2 && c.shiftPct > 0)) return true;
    return false;
  };

  it('a 10% shift under 5% noise is found within 5 runs in at least 85% of series', () => {
    seed = 2026;
    let found = 0;
    for (let t = 0; t < 40; t++) if (within5(series(35, 0.05, 30, 0.1))) found++;
    expect(found / 40).toBeGreaterThanOrEqual(0.85);
  });

  it('no shift: under half a false alarm per 100 runs (the target is one), over 40 series of 100 runs', () => {
    seed = 99;
    let alarms = 0;
    for (let t = 0; t < 40; t++) alarms += changePoints(series(100, 0.05)).length;
    expect((alarms / 4000) * 100).toBeLessThan(0.5);
  });
});
