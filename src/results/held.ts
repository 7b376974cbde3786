/**
 * The level a series held for at least `forMs`: for a metric where higher is worse (CPU), the highest
 * value every sample of some stretch that long stayed at or above (the max over stretches of their min);
 * for lower-is-worse, the mirror. "CPU above 80% for 5m" is violated exactly when this is above 80. A series
 * shorter than `forMs` is judged over what it covers (all of it held what its least sample says).
 */
export function heldLevel(samples: [number, number][], forMs: number, higherIsWorse: boolean): number | undefined {
  if (!samples.length) return undefined;
  const pick = higherIsWorse ? Math.min : Math.max;
  const best = higherIsWorse ? Math.max : Math.min;
  const forS = forMs / 1000;
  const span = samples[samples.length - 1][0] - samples[0][0];
  if (span < forS) return pick(...samples.map((s) => s[1]));
  let level: number | undefined;
  for (let i = 0; i < samples.length; i++) {
    let held = samples[i][1];
    let j = i;
    while (j + 1 < samples.length && samples[j][0] - samples[i][0] < forS) held = pick(held, samples[++j][1]);
    if (samples[j][0] - samples[i][0] < forS) break; // no stretch that long starts here or later
    level = level === undefined ? held : best(level, held);
  }
  return level;
}
