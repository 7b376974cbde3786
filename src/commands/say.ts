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
  if (!quiet) process.stderr.write(`${line}\n`);
}

/** Something went wrong that does not stop the command (a history that could not be written): said even with -q. */
export function warn(line: string): void {
  process.stderr.write(`validate: ${line}\n`);
}
