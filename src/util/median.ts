/** The median of a handful of samples (probe round trips); large series go through an HDR histogram instead. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * The spread of a handful of runs as a standard deviation, read from their median absolute deviation
 * (scaled by 1.4826, its ratio to the deviation of normal noise): one wild night does not widen it as it
 * would a standard deviation.
 */
export function robustDeviation(xs: number[]): number {
  const m = median(xs);
  return median(xs.map((x) => Math.abs(x - m))) * 1.4826;
}

/**
 * How many robust deviations beyond the median of the earlier runs a value must lie to have moved: the band of
 * "Since the last runs" and the noise `compare --baseline history` asks a regression to clear
 * (`bench/change-points.ts` gives what it costs and finds).
 */
export const BAND_DEVIATIONS = 3;
