/** "Did you mean" for misspelt keys and names: the closest candidate within a small edit distance. */
export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  // A name written without its unit (`p99` for `p99_ms`) is as near as a name can be.
  const withUnit = [...candidates].filter((c) => c.toLowerCase().startsWith(`${input.toLowerCase()}_`)).sort((a, b) => a.length - b.length);
  if (input.length >= 2 && withUnit.length) return withUnit[0];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(input.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.floor(input.length / 3));
  return bestDistance <= limit ? best : undefined;
}

/** `prefix` makes the suggestion whole, as the user would type it ("scenario." before "p99_ms"). */
export function didYouMean(input: string, candidates: Iterable<string>, prefix = ''): string {
  const s = suggest(input, candidates);
  return s ? ` (did you mean "${prefix}${s}"?)` : '';
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}
