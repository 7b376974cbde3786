import { wrap } from '../util/words.js';

/**
 * Informational lines on stderr (what was written where, what a fault is about to do): silent with -q,
 * so a scheduled job prints nothing unless something fails. Failures are not notes: they are thrown,
 * and main.ts says them whatever -q says.
 */
let quiet = false;

export function setQuiet(q: boolean | undefined): void {
  quiet = Boolean(q);
}

export function isQuiet(): boolean {
  return quiet;
}

export function note(line: string): void {
  if (!quiet) process.stderr.write(`${fitted(line).join('\n    ')}\n`);
}

/**
 * A note within the width it is read at (stderr's terminal, else $COLUMNS), later lines indented so they
 * read as one note; unwrapped when no width is known (a log file keeps one note a line, for grep).
 */
function fitted(line: string): string[] {
  const env = Number(process.env.COLUMNS);
  const width = process.stderr.columns ?? (Number.isInteger(env) && env > 0 ? env : undefined);
  if (!width || line.length <= width || line.includes('\n')) return [line];
  const [first, ...rest] = wrap(line, width);
  return [first, ...wrap(rest.join(' '), width - 4)];
}

/** Something went wrong that does not stop the command (a history that could not be written): said even with -q. */
export function warn(line: string): void {
  process.stderr.write(`validate: ${line}\n`);
}
