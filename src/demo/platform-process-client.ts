import { fork, type ChildProcess } from 'node:child_process';
import { entryFile } from '../paths.js';
import type { DemoOptions, DemoPlatform } from './platform.js';
import type { FromPlatform, ToPlatform } from './platform-messages.js';

/** Starting the platform (ten engines, two simulators) takes well under a second; a busy machine gets this long. */
const START_BUDGET_MS = 30_000;

/**
 * Starts the demo's platform in a child process and hands back the same `DemoPlatform` the in-process
 * one gives: the URLs, its pidfile (the child's pid: the engines' CPU and memory are its own), the rules
 * to load (acknowledged before the run probes them) and close (waits for the child to exit).
 */
export async function startDemoPlatformProcess(o: DemoOptions): Promise<DemoPlatform> {
  const child = fork(entryFile('demo/platform-process'), [JSON.stringify(o)], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
  const ready = await next(child, 'ready', START_BUDGET_MS, () => stderr);
  if (ready.type !== 'ready') throw new Error('the demo platform did not start');
  const exited = new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
  const say = (m: ToPlatform) => child.connected && child.send(m);
  return {
    engines: ready.engines,
    replicas: ready.replicas,
    pidfile: ready.pidfile,
    prometheusUrl: ready.prometheusUrl,
    grafanaUrl: ready.grafanaUrl,
    async loadAlertRules(rules) {
      const loaded = next(child, 'rules-loaded', START_BUDGET_MS, () => stderr);
      say({ type: 'rules', rules });
      await loaded;
    },
    async close() {
      say({ type: 'close' });
      const late = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(late);
    },
  };
}

/** The child's next message of this type; its exit, a failure it reports, or the budget is an error naming why. */
function next<T extends FromPlatform['type']>(child: ChildProcess, type: T, budgetMs: number, stderr: () => string): Promise<FromPlatform> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error, m?: FromPlatform) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(m!);
    };
    const onMessage = (m: FromPlatform) => {
      if (m.type === 'failed') done(new Error(`the demo platform could not start: ${m.message}`));
      else if (m.type === type) done(undefined, m);
    };
    const onExit = (code: number | null) =>
      done(new Error(`the demo platform's process ended (exit ${code}): ${stderr().trim().split('\n').pop() ?? ''}`));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done(new Error(`the demo platform did not answer within ${budgetMs / 1000} s`));
    }, budgetMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
