/** Counts and rates as the load tables write them. */
export const fmtCount = (n: number) => n.toLocaleString('en-US');
export const fmtRate = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1));

/** A success share: 100%, 99.95%, 97.3%; never rounded up to 100% when something failed. */
export function fmtPct(n: number): string {
  if (n === 100 || n === 0) return `${n}%`;
  const digits = n >= 99 ? 2 : 1;
  const s = n.toFixed(digits);
  return Number(s) === 100 ? `${(Math.floor(n * 100) / 100).toFixed(2)}%` : `${s}%`;
}
