import { exec } from 'node:child_process';
import { z } from 'zod';
import { duration } from '../config/fields.js';
import type { FaultType } from './types.js';

const schema = z.strictObject({
  type: z.literal('restart'),
  command: z.string().min(1).meta({ description: 'Shell command that restarts the engine, e.g. "systemctl restart risk" or "kubectl rollout restart deploy/risk"' }),
  commandTimeout: duration.default(60_000),
});
export type RestartFault = z.output<typeof schema>;

/** Runs the configured restart command (systemd, kubectl, docker, or any shell command). */
export const restartFault: FaultType<RestartFault> = {
  type: 'restart',
  summary: 'Run a command that restarts a service',
  schema,
  references: () => [],
  describe: (f) => `run \`${f.command}\``,
  inject: (f, ctx) =>
    new Promise((resolve, reject) => {
      exec(f.command, { timeout: f.commandTimeout, signal: ctx.signal }, (err, _stdout, stderr) => {
        if (err) reject(new Error(`restart command failed (${err.code ?? err.signal ?? 'error'}): ${stderr.trim().split('\n').at(-1) ?? err.message}`));
        else resolve({ detail: `ran \`${f.command}\`` });
      });
    }),
};
