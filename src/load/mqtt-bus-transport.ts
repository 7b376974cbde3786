import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { connectMqtt, endMqtt, explainMqtt, mqttEndpoint } from '../protocols/mqtt.js';
import { seqOf, type BusEndpoint, type BusTransport } from './bus-transport.js';

/**
 * MQTT as the bus scenario drives it, one QoS per scenario, so that each result's losses are that QoS's:
 * a channel is QoS 0 (at most once; a clean session, so what is published while the subscriber is away is
 * gone), a stream is QoS 1 (at least once; the subscriber's session is kept by the broker while it is cut
 * off, and what it had not acknowledged comes again). The clients reconnect as a service's would.
 */
export function mqttTopic(bus: BusEndpoint, topic: string, timeoutMs: number, name: string, qos: 0 | 1): BusTransport {
  let pub: MqttClient | undefined;
  let sub: MqttClient | undefined;
  let receive: (seq: number) => void = () => undefined;
  // A client id is the session: the subscriber's stays the same across its reconnects, and is the run's own.
  const suffix = randomBytes(3).toString('hex');
  const subscriberId = `${name}-subscriber-${suffix}`;
  const open = (clientId: string, persistent: boolean) =>
    connectMqtt(bus.url, { timeoutMs, clientId, reconnect: true, persistent, tlsVerify: bus.tlsVerify });
  return {
    async open() {
      [pub, sub] = await Promise.all([open(`${name}-publisher-${suffix}`, false), open(subscriberId, qos === 1)]);
      sub.on('message', (got: string, payload: Buffer) => {
        if (got === topic) receive(seqOf(payload));
      });
      await sub.subscribeAsync(topic, { qos });
    },
    publish: (_seq, payload) => pub!.publishAsync(topic, payload, { qos }).then(() => undefined),
    onDelivery: (r) => void (receive = r),
    async close() {
      await Promise.all([endMqtt(pub), endMqtt(sub)]);
      // A kept session outlives its client: a clean connect under its id ends it on the broker.
      if (qos === 1) await endMqtt(await open(subscriberId, false).catch(() => undefined));
    },
    explain: (err) => explainMqtt(err, mqttEndpoint(bus.url)),
  };
}
