import type { MqttClient } from 'mqtt';
import type { Measurement, MetricSpec } from '../results/measurement.js';
import type { ProbeOutcome } from './types.js';

/**
 * What a new subscriber meets on an MQTT broker: the retained message of each named topic (the last
 * value a dashboard or an engine starting up reads first) and the clients the broker counts on `$SYS`.
 * MQTT keeps no time with a retained message, so its age is read from the payload's own timestamp (a
 * JSON `ts` or `timestamp`, in seconds or milliseconds since 1970), or left unmeasured saying so.
 */
export const RETAINED_METRICS: Record<string, MetricSpec> = {
  retained: { unit: 'count', aggregate: 'min', label: 'retained message present', labelled: true, flag: true },
  retained_age_s: { unit: 'seconds', aggregate: 'max', label: 'retained message age', labelled: true },
  clients_connected: { unit: 'count', aggregate: 'sum', label: 'clients connected', column: 'clients' },
};

const SYS_CLIENTS = '$SYS/broker/clients/connected';

export async function readRetained(sub: MqttClient, topics: string[], waitMs: number, out: ProbeOutcome): Promise<void> {
  const got = new Map<string, Buffer>();
  const wanted = new Set([...topics, SYS_CLIENTS]);
  let wake: (() => void) | undefined;
  const onMessage = (topic: string, payload: Buffer, packet: { retain?: boolean }) => {
    // Only what the broker kept: a live publish that happens to arrive now is not the retained value. Its
    // own $SYS counts are fresh by nature (mosquitto sends them without the retain flag).
    if (wanted.has(topic) && (packet.retain || topic === SYS_CLIENTS) && !got.has(topic)) got.set(topic, payload);
    if (got.size === wanted.size) wake?.();
  };
  sub.on('message', onMessage);
  try {
    await sub.subscribeAsync([...wanted], { qos: 0 });
    if (got.size < wanted.size)
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, waitMs);
      });
  } finally {
    sub.removeListener('message', onMessage);
    await sub.unsubscribeAsync([...wanted]).catch(() => undefined);
  }
  clientsFromSys(got.get(SYS_CLIENTS), out);
  const found: Measurement[] = [];
  for (const topic of topics) {
    const payload = got.get(topic);
    found.push({ metric: 'retained', value: payload ? 1 : 0, unit: 'count', labels: { topic } });
    if (!payload) {
      (out.warnings ??= []).push(`no retained message on ${topic}`);
      continue;
    }
    const age = ageOf(payload);
    if (age !== undefined) found.push({ metric: 'retained_age_s', value: age, unit: 'seconds', labels: { topic } });
    else (out.unmeasured ??= {}).retained_age_s ??= `the retained message on ${topic} carries no timestamp (a JSON ts field)`;
  }
  if (!topics.length) return;
  out.measurements.push(...found);
  const present = found.filter((m) => m.metric === 'retained').map((m) => m.value);
  out.measurements.push({ metric: 'retained', value: Math.min(...present), unit: 'count' });
  const ages = found.filter((m) => m.metric === 'retained_age_s').map((m) => m.value);
  if (ages.length) out.measurements.push({ metric: 'retained_age_s', value: Math.max(...ages), unit: 'seconds' });
  const labels = { topic: topics };
  out.labelValues = { ...out.labelValues, retained: labels, retained_age_s: labels };
}

function clientsFromSys(payload: Buffer | undefined, out: ProbeOutcome): void {
  const n = payload ? Number(payload.toString('latin1')) : Number.NaN;
  if (Number.isInteger(n) && n >= 0) out.measurements.push({ metric: 'clients_connected', value: n, unit: 'count' });
  else
    (out.unmeasured ??= {}).clients_connected =
      `the broker published no ${SYS_CLIENTS} (mosquitto does every sys_interval; other brokers count clients in their own API)`;
}

/** Seconds since the payload's own timestamp; undefined when it has none that reads as a time. */
function ageOf(payload: Buffer): number | undefined {
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  const o = body as { ts?: unknown; timestamp?: unknown } | null;
  const ts = typeof o?.ts === 'number' ? o.ts : typeof o?.timestamp === 'number' ? o.timestamp : undefined;
  if (ts === undefined || !Number.isFinite(ts) || ts <= 0) return undefined;
  const ms = ts > 1e11 ? ts : ts * 1000; // seconds until the year 5138
  return Math.max(0, (Date.now() - ms) / 1000);
}
