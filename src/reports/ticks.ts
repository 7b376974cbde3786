/**
 * Axis ticks a person reads at a glance: steps of 1, 2 or 5 times a power of ten (0, 20k, 40k, 60k,
 * never 54.8k / 41.1k), and time in m:ss from the run's start.
 */

export interface Ticks {
  ticks: number[];
  /** The axis end: the last tick. */
  max: number;
  step: number;
}

/** About five ticks from `min` (default 0) up to a round number at or above `max`. */
export function niceTicks(max: number, min = 0): Ticks {
  const lo = Math.min(0, min);
  const range = max - lo;
  if (!(range > 0)) return { ticks: [lo, lo + 1], max: lo + 1, step: 1 };
  const step = niceStep(range / 5);
  const end = Math.ceil(max / step - 1e-9) * step;
  const start = Math.floor(lo / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let v = start; v <= end + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return { ticks, max: ticks[ticks.length - 1], step };
}

/** The 1-2-5 step at or above `raw`. */
export function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/** A tick's label with as many decimals as its step needs: 0.5, 1, 1.5; 10k, 20k; 2.5k. */
export function tickLabel(v: number, step: number): string {
  if (v === 0) return '0';
  const big = Math.abs(v) >= 1000 && step >= 1000;
  const [value, unitStep, suffix] = big ? [v / 1000, step / 1000, 'k'] : [v, step, ''];
  const decimals = Math.max(0, Math.min(4, -Math.floor(Math.log10(unitStep) + 1e-9)));
  return `${value.toFixed(decimals)}${suffix}`;
}

const TIME_STEPS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600];

/** Ticks for seconds since the start, at 1 s, 5 s, 30 s, 1 min, 15 min, 1 h ... steps. */
export function timeTicks(maxSeconds: number): Ticks {
  const step = TIME_STEPS.find((s) => maxSeconds / s <= 8) ?? 3600 * Math.ceil(maxSeconds / 3600 / 8);
  const end = Math.max(step, Math.ceil(maxSeconds / step - 1e-9) * step);
  const ticks: number[] = [];
  for (let k = 0; k * step <= end + step / 2; k++) ticks.push(Number((k * step).toPrecision(12)));
  return { ticks, max: end, step };
}

/** 0.5 s under ten seconds of steps below a second; else 0:30, 1:00, 1:00:00. */
export function timeLabel(seconds: number, step = 1): string {
  if (step < 1) return `${Number(seconds.toFixed(1))} s`;
  const s = Math.round(seconds);
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const two = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${two(m)}:${two(sec)}` : `${m}:${two(sec)}`;
}
