import { z } from 'zod';
import { duration } from '../fields/fields.js';
import { runCapture, runShell, shellFailure } from '../util/shell.js';
import { sleep } from '../util/sleep.js';

/**
 * One URL behind a balancer, its instance count set by a command: what `kubectl scale` or an autoscaling
 * group's API does. The count must be reached before a step is measured (a step measured on 2 ready
 * instances when 4 were asked would read as poor scaling), so a second command says how many are ready.
 */
export const replicasField = z
  .strictObject({
    command: z
      .string()
      .min(1)
      .refine((c) => c.includes('{n}'), { message: 'the command must contain {n}, the instance count to set' })
      .meta({ description: 'Sets the instance count: {n} is replaced, e.g. "kubectl scale deploy/risk --replicas={n}"' }),
    ready: z.string().min(1).meta({
      description: 'Prints how many instances are ready, e.g. "kubectl get deploy/risk -o jsonpath={.status.readyReplicas}"',
    }),
    timeout: duration.default(120_000).meta({ description: 'How long each count may take to be ready' }),
  })
  .meta({ description: 'Scale one URL behind a balancer with a command (instead of targets or urls); runs only with --chaos' });
export type Replicas = z.output<typeof replicasField>;

/** How often the ready command is asked while a count is reached. */
const POLL_MS = 500;

/** What the ready command says: a count, or why there is none. */
export async function readyCount(r: Replicas, signal?: AbortSignal): Promise<number | string> {
  const out = await runCapture('sh', ['-c', r.ready], Math.min(r.timeout, 30_000), 4096);
  if (signal?.aborted) return 'aborted';
  const failed = shellFailure(`the ready command (${r.ready})`, out, Math.min(r.timeout, 30_000));
  if (failed) return failed;
  // kubectl prints nothing for readyReplicas when none are ready.
  const text = out.stdout.trim() || '0';
  return /^\d+$/.test(text) ? Number(text) : `the ready command (${r.ready}) printed "${text.slice(0, 40)}", not a count`;
}

/** Runs the scale command for `n`, without waiting for readiness; undefined when it succeeded, else why not. */
export async function setCount(r: Replicas, n: number): Promise<string | undefined> {
  const command = r.command.replaceAll('{n}', String(n));
  return shellFailure(`the scale command (${command})`, await runShell(command, r.timeout), r.timeout);
}

/**
 * Sets the count and waits until that many are ready; undefined when they are, else why not (the experiment
 * did not take effect, so the step measures nothing the platform can be judged on).
 */
export async function scaleTo(r: Replicas, n: number, signal?: AbortSignal): Promise<string | undefined> {
  const failed = await setCount(r, n);
  if (failed) return failed;
  const command = r.command.replaceAll('{n}', String(n));
  const deadline = performance.now() + r.timeout;
  let last: number | string = 'nothing yet';
  while (!signal?.aborted) {
    last = await readyCount(r, signal);
    if (last === n) return undefined;
    if (performance.now() >= deadline) break;
    await sleep(POLL_MS, signal);
  }
  const said = typeof last === 'number' ? `${last} ready` : last;
  return `${n} instance(s) were not ready within ${r.timeout} ms of "${command}" (last: ${said})`;
}
