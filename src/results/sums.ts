/** Sums for combining the counts of results that ran side by side (shards), missing counts as none. */

export const sum = (xs: (number | undefined)[]): number => xs.reduce<number>((a, b) => a + (b ?? 0), 0);

/** Undefined when no part counted it at all (the field does not apply), else the sum. */
export const sumOrUndefined = (xs: (number | undefined)[]): number | undefined => (xs.every((x) => x === undefined) ? undefined : sum(xs));

/** The named counts of several records, each summed over them: `{ lost: 3 }` and `{ lost: 4 }` make `{ lost: 7 }`. */
export function sumFields<T extends Record<K, number>, K extends keyof T>(items: T[], keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, sum(items.map((x) => x[k]))])) as Pick<T, K>;
}

/** Counts by key (status codes, error causes) added key by key. */
export function sumRecords(rs: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rs) for (const [k, v] of Object.entries(r)) out[k] = (out[k] ?? 0) + v;
  return out;
}
