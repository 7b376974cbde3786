import { engineProbe } from './engine.js';
import { httpProbe } from './http.js';
import { postgresProbe } from './postgres.js';
import { prometheusProbe } from './prometheus.js';
import { redisProbe } from './redis.js';
import { tcpProbe } from './tcp.js';
import { processProbe } from './process.js';
import { websocketProbe } from './websocket.js';
import { grafanaProbe } from './grafana.js';
import { natsProbe } from './nats.js';
import { acceleratorProbe } from './accelerator.js';
import { rabbitmqProbe } from './rabbitmq.js';
import { mqttProbe } from './mqtt.js';
import type { ProbeKind, TargetBase } from './types.js';

/**
 * Every probe kind, by its key. A new kind is one file and one line here: the config schema, the
 * criteria names and the ad-hoc URL schemes all come from this list. Client libraries are imported
 * inside each `run`, so loading the registry stays cheap.
 */
export const PROBES: ProbeKind[] = [
  engineProbe,
  httpProbe,
  websocketProbe,
  redisProbe,
  natsProbe,
  rabbitmqProbe,
  mqttProbe,
  postgresProbe,
  prometheusProbe,
  grafanaProbe,
  tcpProbe,
  processProbe,
  acceleratorProbe,
];

export function probeKind(kind: string): ProbeKind<TargetBase> {
  const found = PROBES.find((p) => p.kind === kind);
  if (!found) throw new Error(`unknown probe kind "${kind}"`);
  return found;
}

export function probeKindOrUndefined(kind: string): ProbeKind<TargetBase> | undefined {
  return PROBES.find((p) => p.kind === kind);
}
