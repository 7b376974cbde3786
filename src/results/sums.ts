/** Sums for combining the counts of results that ran side by side (shards), missing counts as none. */

export const sum = (xs: (number | undefined)[]): number => xs.reduce<number>((a, b) => a + (b ?? 0), 0);

/** Undefined when no part counted it at all (the field does not apply), else the sum. */
export const sumOrUndefined = (xs: (number | undefined)[]): number | undefined => (xs.every((x) => x === undefined) ? undefined : sum(xs));

/** Counts by key (status codes, error causes) added key by key. */
export function sumRecords(rs: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rs) for (const [k, v] of Object.entries(r)) out[k] = (out[k] ?? 0) + v;
  return out;
}
