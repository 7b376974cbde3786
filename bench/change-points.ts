/**
 * How well change points find real shifts and ignore noise, against the two-run compare: synthetic p99
 * series (100 ms, Gaussian noise of 5% or 10% per run) with a shift of 10%, 20% or 50% after 30 runs, and
 * series with no shift. `npx tsx bench/change-points.ts [trials]`.
 *  - found within 5 runs: a change point within 2 runs of the shift, seen with at most 5 runs after it;
 *  - runs to detect: the median number of runs after the shift before it is seen;
 *  - false alarms per 100 runs: change points in 100 runs without a shift.
 * The two-run compare is what `validate compare` does night after night: an alarm when p99 grew more than 10%.
 */
import { changePoints } from '../src/history/change-points.js';

const trials = Number(process.argv[2] ?? 100);
const OPTS = JSON.parse(process.env.CP_OPTIONS ?? '{}') as Parameters<typeof changePoints>[1];
let seed = 42;
const rnd = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 4294967296;
};
const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
const series = (n: number, noise: number, shiftAt?: number, shift = 0) =>
  Array.from({ length: n }, (_, i) => 100 * (1 + (shiftAt !== undefined && i >= shiftAt ? shift : 0)) * (1 + noise * gauss()));

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
function detectTwoRun(xs: number[]): number | undefined {
  for (let k = 1; k <= MAX_AFTER; k++) if (xs[SHIFT_AT + k - 1] > xs[SHIFT_AT + k - 2] * 1.1) return k;
  return undefined;
}

console.log('| noise | shift | method | found within 5 runs | median runs to detect |');
console.log('|---|---|---|---|---|');
for (const noise of [0.05, 0.1]) {
  for (const shift of [0.1, 0.2, 0.5]) {
    const runs = { edivisive: [] as (number | undefined)[], twoRun: [] as (number | undefined)[] };
    for (let t = 0; t < trials; t++) {
      const xs = series(SHIFT_AT + MAX_AFTER, noise, SHIFT_AT, shift);
      runs.edivisive.push(detectEdivisive(xs));
      runs.twoRun.push(detectTwoRun(xs));
    }
    for (const [name, ks] of Object.entries(runs)) {
      const within = ks.filter((k) => k !== undefined && k <= 5).length;
      const found = ks.filter((k): k is number => k !== undefined);
      console.log(
        `| ${noise * 100}% | ${shift * 100}% | ${name === 'edivisive' ? 'change points' : 'two-run compare'} | ${((within / trials) * 100).toFixed(0)}% | ${found.length ? median(found) : '-'} |`,
      );
    }
  }
}
console.log('\n| noise | method | false alarms per 100 runs |');
console.log('|---|---|---|');
for (const noise of [0.05, 0.1]) {
  let cp = 0;
  let two = 0;
  for (let t = 0; t < trials; t++) {
    const xs = series(100, noise);
    cp += changePoints(xs, OPTS).length;
    for (let i = 1; i < xs.length; i++) if (xs[i] > xs[i - 1] * 1.1) two++;
  }
  console.log(`| ${noise * 100}% | change points | ${(cp / trials).toFixed(2)} |`);
  console.log(`| ${noise * 100}% | two-run compare | ${(two / trials).toFixed(2)} |`);
}
