import { describe, expect, it } from 'vitest';
import { heldLevel } from '../../src/results/held.js';

describe('the level a series held for a while (criteria with for:)', () => {
  const series: [number, number][] = [
    [0, 20],
    [1, 95],
    [2, 90],
    [3, 85],
    [4, 30],
    [5, 88],
  ];
  it('higher is worse: the highest level every sample of a stretch that long stayed at', () => {
    expect(heldLevel(series, 0, true)).toBe(95); // any instant: the peak
    expect(heldLevel(series, 1000, true)).toBe(90); // [1,2]
    expect(heldLevel(series, 2000, true)).toBe(85); // [1,3]
    expect(heldLevel(series, 3000, true)).toBe(30); // [1,4] and [2,5] both dip to 30
    expect(heldLevel(series, 5000, true)).toBe(20);
  });
  it('lower is worse: the mirror (the lowest level held)', () => {
    expect(heldLevel(series, 1000, false)).toBe(85); // [3,4] stayed at or below 85 for a second
  });
  it('a series shorter than the stretch: what all of it held; no samples: nothing', () => {
    expect(heldLevel(series, 60_000, true)).toBe(20);
    expect(heldLevel([], 1000, true)).toBeUndefined();
  });
});
