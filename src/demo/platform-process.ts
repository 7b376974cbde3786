/**
 * The demo's platform in a process of its own (forked by `platform-process-client.ts`): its engines,
 * Prometheus and Grafana stand-ins and bus traffic take their CPU beside the load generator, as a real
 * platform's do, never from inside it. It talks to its parent over IPC only, and ends with it.
 */
import { startDemoPlatform, type DemoOptions } from './platform.js';
import type { ToPlatform, FromPlatform } from './platform-messages.js';

const send = (m: FromPlatform) => process.send?.(m);

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as DemoOptions;
  const platform = await startDemoPlatform(options);
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= platform.close().finally(() => process.exit(0)));
  // Ctrl-C reaches the whole process group: the parent decides when the platform goes (after its partial report).
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => undefined);
  process.on('disconnect', () => void close());
  process.on('message', (m: ToPlatform) => {
    if (m.type === 'rules') {
      platform.loadAlertRules(m.rules);
      send({ type: 'rules-loaded' });
    } else if (m.type === 'close') void close();
  });
  send({
    type: 'ready',
    engines: platform.engines,
    replicas: platform.replicas,
    pidfile: platform.pidfile,
    prometheusUrl: platform.prometheusUrl,
    grafanaUrl: platform.grafanaUrl,
  });
}

main().catch((err: unknown) => {
  send({ type: 'failed', message: (err as Error).message ?? String(err) });
  process.exit(1);
});
