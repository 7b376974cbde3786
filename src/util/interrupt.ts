import { setMaxListeners } from 'node:events';

/**
 * Ctrl-C (or SIGTERM from a scheduler) aborts the run: probes stop, a partial report marked aborted is
 * written, and the exit code is 130. A second Ctrl-C exits at once, for when even that takes too long.
 */
export function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  // Every probe and load loop in flight listens on this one signal: many listeners is the design, not a leak.
  setMaxListeners(10_000, controller.signal);
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\n${sig}: stopping; writing a partial report (press Ctrl-C again to quit at once)\n`);
    controller.abort(new Error(sig));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
