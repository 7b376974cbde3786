import { setMaxListeners } from 'node:events';

/** Lines to print if the user forces an exit (a second Ctrl-C) while something is half done. */
const notes = new Set<string>();

/**
 * Registers a line to say if the process is forced to exit now (e.g. "fault X was in progress: risk may
 * be left down; restore with: ..."); returns the function that withdraws it once the danger is past.
 */
export function forcedExitNote(line: string): () => void {
  notes.add(line);
  return () => notes.delete(line);
}

/** The conventional exit codes for a process ended by a signal: 128 + the signal's number. */
export const SIGNAL_EXIT: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/**
 * Ctrl-C (or SIGTERM from a scheduler) aborts the run: probes stop, a partial report marked aborted is
 * written, and the exit code is 130 (143 for SIGTERM). A second signal exits at once, for when even
 * that takes too long, after saying what was left half done.
 */
export function interruptSignal(): { signal: AbortSignal; received(): NodeJS.Signals | undefined; dispose(): void } {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  // Every probe and load loop in flight listens on this one signal: many listeners is the design, not a leak.
  setMaxListeners(10_000, controller.signal);
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      for (const n of notes) process.stderr.write(`validate: ${n}\n`);
      process.exit(SIGNAL_EXIT[received ?? sig] ?? 130);
    }
    received = sig;
    process.stderr.write(`\n${sig}: stopping; writing a partial report (press Ctrl-C again to quit at once)\n`);
    controller.abort(new Error(sig));
  };
  // SIGHUP too: a closed terminal or ssh session ends the run with its partial report, not mid-write.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
  return {
    signal: controller.signal,
    received: () => received,
    dispose() {
      for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(sig, onSignal);
    },
  };
}
