import { z } from 'zod';
import { duration } from '../fields/fields.js';
import { runShell, shellFailure } from '../util/shell.js';
import { defineFault } from './types.js';
import { sleep } from '../util/sleep.js';

const schema = z
  .strictObject({
    type: z.literal('restart'),
    command: z.string().min(1).optional().meta({
      description: 'Shell command that restarts the engine, e.g. "systemctl restart risk" or "kubectl rollout restart deploy/risk"',
    }),
    stop: z.string().min(1).optional().meta({ description: 'Instead of command: the stop half ("systemctl stop risk")' }),
    start: z.string().min(1).optional().meta({ description: 'With stop: the start half, also run if the run is interrupted after stop' }),
    downFor: duration.default(0).meta({ description: 'With stop/start: how long the service stays down between them' }),
    commandTimeout: duration.default(60_000),
  })
  .refine((f) => Boolean(f.command) !== Boolean(f.stop && f.start) && !(f.command && (f.stop || f.start)), {
    message: 'give either "command" (one restart command), or "stop" and "start"',
  });
export type RestartFault = z.output<typeof schema>;

/**
 * A restart: one command (systemd, kubectl, docker, any shell command), or a stop and a start with a
 * downtime between. A restart is never cut in half: on Ctrl-C a running command is left to finish,
 * and after `stop` the `start` still runs.
 */
export const restartFault = defineFault<RestartFault>({
  type: 'restart',
  summary: 'Run a command that restarts a service (or a stop, a downtime, and a start)',
  schema,
  references: () => [],
  describe: (f) => (f.command ? `run \`${f.command}\`` : `run \`${f.stop}\`, wait ${f.downFor} ms, then \`${f.start}\``),
  restoreHint: (f) => f.start ?? f.command,
  check: (f, { recoveryTimeoutMs }) =>
    f.stop && f.downFor >= recoveryTimeoutMs
      ? [
          {
            path: ['downFor'],
            message: `downFor ${f.downFor} ms is not shorter than the experiment's recoveryTimeout (${recoveryTimeoutMs} ms): the target could never recover in time; raise recoveryTimeout`,
          },
        ]
      : [],
  async inject(f, ctx) {
    const run = async (what: string, command: string) => {
      const r = await runShell(command, f.commandTimeout);
      const failure = shellFailure(what, r, f.commandTimeout);
      if (failure) throw new Error(failure);
    };
    if (f.command) {
      await run('restart command', f.command);
      return { detail: `ran \`${f.command}\`${ctx.signal?.aborted ? ' (to the end: stopping halfway would leave the service down)' : ''}` };
    }
    await run('stop command', f.stop!);
    if (!ctx.signal?.aborted && f.downFor > 0) await sleep(f.downFor, ctx.signal);
    await run('start command', f.start!);
    return ctx.signal?.aborted
      ? { detail: `ran \`${f.stop}\`, then \`${f.start}\` at once (interrupted)`, restored: `ran \`${f.start}\`` }
      : { detail: `ran \`${f.stop}\`, ${f.downFor} ms down, then \`${f.start}\`` };
  },
});
