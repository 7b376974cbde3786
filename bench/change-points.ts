/**
 * How well change points find real shifts and ignore noise, against the two-run compare: synthetic p99
 * series (100 ms) with a shift of 10%, 20% or 50% after 30 runs, and series with no shift, under two kinds
 * of noise: Gaussian (5% or 10% per run), and what nightly p99s on shared runners look like, lognormal
 * (sigma 0.05 or 0.10) with an outlier night one time in twenty (times 1.5 to 3: a noisy neighbour, a GC
 * storm, a cold cache). `npx tsx bench/change-points.ts [trials]`.
 *  - found within 5 runs: a change point within 2 runs of the shift, seen with at most 5 runs after it;
 *  - runs to detect: the median number of runs after the shift before it is seen;
 *  - false alarms per 100 runs: change points in 100 runs without a shift; and, for change points, every
 *    change point ever reported when the trend is read every other night over those 100 runs (one that
 *    shows for a night and is gone the next is a false alarm to whoever read it).
 * The two-run compare is what `validate compare A B` does night after night: an alarm when p99 grew more than
 * 10%. `compare --baseline history` measures each run against the median of the N runs before it and their
 * spread. Both through the code the command runs (`src/compare/judge-load.ts`), histograms aside.
 */
import { changePoints } from '../src/history/change-points.js';
import { levelOf, p99Regression } from '../src/compare/judge-load.js';

const trials = Number(process.argv[2] ?? 100);
const OPTS = JSON.parse(process.env.CP_OPTIONS ?? '{}') as Parameters<typeof changePoints>[1];
let seed = 42;
const rnd = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 4294967296;
};
const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
type Noise = 'gaussian' | 'outlier nights';
const NOISE: Noise = (process.env.NOISE as Noise) ?? 'gaussian';
/** One night's factor: Gaussian, or lognormal with an outlier night 5% of the time. */
const night = (sigma: number) =>
  NOISE === 'gaussian' ? 1 + sigma * gauss() : Math.exp(sigma * gauss()) * (rnd() < 0.05 ? 1.5 + 1.5 * rnd() : 1);
const series = (n: number, noise: number, shiftAt?: number, shift = 0) =>
  Array.from({ length: n }, (_, i) => 100 * (1 + (shiftAt !== undefined && i >= shiftAt ? shift : 0)) * night(noise));

const SHIFT_AT = 30;
const MAX_AFTER = 10;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function detectEdivisive(xs: number[]): number | undefined {
  for (let k = 1; k <= MAX_AFTER; k++) {
    const cps = changePoints(xs.slice(0, SHIFT_AT + k), OPTS);
    if (cps.some((c) => Math.abs(c.index - SHIFT_AT) <= 2 && c.shiftPct > 0)) return k;
  }
  return undefined;
}
const BOUNDS = { maxP99Increase: 10, minP99IncreaseMs: 1, maxRpsDecrease: 10 };
/** Whether run i regressed against the `n` runs before it (n = 1: the two-run compare). */
const alarm = (xs: number[], i: number, n: number) => p99Regression(levelOf(xs.slice(i - n, i)), xs[i], BOUNDS) !== undefined;
const BASELINE_RUNS = Number(process.env.BASELINE_RUNS ?? 10);

function detectCompare(xs: number[], n: number): number | undefined {
  for (let k = 1; k <= MAX_AFTER; k++) if (alarm(xs, SHIFT_AT + k - 1, n)) return k;
  return undefined;
}
const METHODS = { edivisive: 'change points', twoRun: 'two-run compare', history: `compare --baseline history (${BASELINE_RUNS} runs)` };

console.log(`${NOISE} noise (NOISE=gaussian or NOISE='outlier nights'), ${trials} series each\n`);
console.log('| noise | shift | method | found within 5 runs | median runs to detect |');
console.log('|---|---|---|---|---|');
for (const noise of [0.05, 0.1]) {
  for (const shift of [0.1, 0.2, 0.5]) {
    const runs = { edivisive: [] as (number | undefined)[], twoRun: [] as (number | undefined)[], history: [] as (number | undefined)[] };
    for (let t = 0; t < trials; t++) {
      const xs = series(SHIFT_AT + MAX_AFTER, noise, SHIFT_AT, shift);
      runs.edivisive.push(detectEdivisive(xs));
      runs.twoRun.push(detectCompare(xs, 1));
      runs.history.push(detectCompare(xs, BASELINE_RUNS));
    }
    for (const [name, ks] of Object.entries(runs)) {
      const within = ks.filter((k) => k !== undefined && k <= 5).length;
      const found = ks.filter((k): k is number => k !== undefined);
      console.log(
        `| ${noise * 100}% | ${shift * 100}% | ${METHODS[name as keyof typeof METHODS]} | ${((within / trials) * 100).toFixed(0)}% | ${found.length ? median(found) : '-'} |`,
      );
    }
  }
}
console.log('\n| noise | method | false alarms per 100 runs |');
console.log('|---|---|---|');
for (const noise of [0.05, 0.1]) {
  let cp = 0;
  let nightly = 0;
  let two = 0;
  let history = 0;
  for (let t = 0; t < trials; t++) {
    // The compares see 100 runs each, after the runs their baseline needs.
    const xs = series(100 + BASELINE_RUNS, noise);
    cp += changePoints(xs.slice(BASELINE_RUNS), OPTS).length;
    const ever = new Set<number>();
    for (let n = 12; n <= 100; n += 2) for (const c of changePoints(xs.slice(BASELINE_RUNS, BASELINE_RUNS + n), OPTS)) ever.add(c.index);
    nightly += ever.size;
    for (let i = BASELINE_RUNS; i < xs.length; i++) {
      if (alarm(xs, i, 1)) two++;
      if (alarm(xs, i, BASELINE_RUNS)) history++;
    }
  }
  for (const [name, n] of [
    ['change points', cp],
    ['change points, read every other night', nightly],
    ['two-run compare', two],
    [METHODS.history, history],
  ] as const)
    console.log(`| ${noise * 100}% | ${name} | ${(n / trials).toFixed(2)} |`);
}
