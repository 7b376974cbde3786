const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `250ms`, `2s`, `1.5m`, `8h`, `1h30m`: a number and a unit, or several. */
export const DURATION_PATTERN = /^(\d+(\.\d+)?(ms|s|m|h))+$/;

/** Node's timers wait at most 2^31 - 1 ms (24.8 days); a longer one would fire at once. */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/**
 * Milliseconds from a duration with a unit (a number is milliseconds only in code). A bare number in
 * text is refused: `10` read as 10 ms made a ten-second load last ten milliseconds.
 */
export function parseDuration(input: unknown): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? input : undefined;
  if (typeof input !== 'string') return undefined;
  const text = input.trim();
  if (text === '0') return 0;
  if (!DURATION_PATTERN.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * UNIT_MS[m[2]];
  return total;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m}m${String(s).padStart(2, '0')}s`;
}

/** Why a text is not a duration, with the likely fix: `10` gets "did you mean 10s?". */
export function durationProblem(text: string): string {
  const bare = /^\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (bare) return `${bare[1]} has no unit: did you mean ${bare[1]}s? (units: ms, s, m, h)`;
  const spaced = /^\s*(\d+(?:\.\d+)?)\s+(ms|s|m|h)\s*$/.exec(text);
  if (spaced) return `write "${spaced[1]}${spaced[2]}", without the space`;
  const word = /^\s*(\d+(?:\.\d+)?)\s*(sec|secs|second|seconds|min|mins|minute|minutes|hr|hrs|hour|hours|millis|msec)\s*$/i.exec(text);
  if (word) return `did you mean ${word[1]}${/^m(s|illis|sec)/i.test(word[2]) ? 'ms' : word[2][0].toLowerCase()}? (units: ms, s, m, h)`;
  return `expected a duration like 500ms, 2s, 1m or 1h30m, found "${text}"`;
}
