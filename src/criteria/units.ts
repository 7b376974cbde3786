import type { Unit } from '../results/measurement.js';

/** Converts a literal with a unit (`100ms`, `90%`, `2GB`) into the unit of the measurement it is compared with. */
export function convertLiteral(value: number, unit: string | undefined, target: Unit): number | string {
  if (unit === undefined) return value;
  const time: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  const bytes: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
  if (unit === '%') return target === 'percent' ? value : mismatch(unit, target);
  if (unit in time) {
    if (target === 'ms') return value * time[unit];
    if (target === 'seconds') return (value * time[unit]) / 1000;
    return mismatch(unit, target);
  }
  if (unit in bytes) return target === 'bytes' ? value * bytes[unit] : mismatch(unit, target);
  if (unit === '/s') return target === 'per_second' ? value : mismatch(unit, target);
  return `unknown unit "${unit}"`;
}

function mismatch(unit: string, target: Unit): string {
  return `a value in "${unit}" cannot be compared with a measurement in ${target === 'number' || target === 'count' ? 'plain numbers' : target}; ${target === 'count' || target === 'number' ? 'drop the unit' : `use ${suggestUnit(target)}`}`;
}

function suggestUnit(u: Unit): string {
  return (
    ({ ms: 'ms or s', seconds: 's or ms', percent: '%', bytes: 'B, KB, MB, GB', per_second: '/s' } as Record<string, string>)[u] ??
    'no unit'
  );
}
