import { BAND_DEVIATIONS, median, robustDeviation } from '../util/median.js';

export interface Bounds {
  /** Percent p99 may grow before it is a regression. */
  maxP99Increase: number;
  /** And milliseconds: a p99 from 0.6 to 1.5 ms is +150% and no regression anyone would act on. */
  minP99IncreaseMs: number;
  /** Percent rps may fall before it is a regression. */
  maxRpsDecrease: number;
}

/** A load result's level in the baseline runs: their median and, from two runs on, the spread between them. */
export interface BaselineLevel {
  runs: number;
  median: number;
  /** Robust standard deviation of the runs (undefined with one run: no spread to read). */
  deviation?: number;
}

export function levelOf(values: number[]): BaselineLevel {
  return { runs: values.length, median: median(values), ...(values.length >= 2 && { deviation: robustDeviation(values) }) };
}

/** The edges of the band the baseline runs' noise makes: a value between them has not moved. */
export const band = (l: BaselineLevel): [number, number] => [
  l.median - BAND_DEVIATIONS * (l.deviation ?? 0),
  l.median + BAND_DEVIATIONS * (l.deviation ?? 0),
];

export const pct = (before: number, after: number) => (before === 0 ? (after === 0 ? 0 : Infinity) : ((after - before) / before) * 100);

const past = (l: BaselineLevel, unit: string) =>
  `past the ${l.runs} runs' ${l.median.toFixed(2)} +- ${(BAND_DEVIATIONS * (l.deviation ?? 0)).toFixed(2)}${unit}`;

/**
 * Why p99 regressed, or nothing: beyond the bound, beyond the floor, and beyond the noise. The noise of a
 * single baseline run is sampling (`sampledApart`: the two runs' p99 intervals do not overlap; undefined
 * without histograms); of several, the spread between them, which holds each run's sampling noise too.
 */
export function p99Regression(
  base: BaselineLevel,
  current: number,
  bounds: Bounds,
  sampledApart?: boolean,
  /** Which percentile it is (the same bounds hold for each). */
  label = 'p99',
): string | undefined {
  const up = current - base.median;
  const changePct = pct(base.median, current);
  if (changePct <= bounds.maxP99Increase || up <= bounds.minP99IncreaseMs) return undefined;
  const several = base.deviation !== undefined;
  if (several ? current <= band(base)[1] : sampledApart === false) return undefined;
  const up2 = `+${up.toFixed(2)} ms`;
  if (several) return `${label} up ${changePct.toFixed(1)}% (${up2}), ${past(base, ' ms')}`;
  return `${label} up ${changePct.toFixed(1)}% (${up2}; bounds ${bounds.maxP99Increase}% and ${bounds.minP99IncreaseMs} ms)`;
}

/** Why throughput regressed, or nothing: down beyond the bound and, with several baseline runs, below their spread. */
export function rpsRegression(base: BaselineLevel, current: number, bounds: Bounds): string | undefined {
  const down = -pct(base.median, current);
  if (down <= bounds.maxRpsDecrease) return undefined;
  const several = base.deviation !== undefined;
  if (several && current >= band(base)[0]) return undefined;
  return `rps down ${down.toFixed(1)}%${several ? `, ${past(base, '/s')}` : ` (bound ${bounds.maxRpsDecrease}%)`}`;
}
