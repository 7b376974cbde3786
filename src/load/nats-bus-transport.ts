import { randomBytes } from 'node:crypto';
import type { JetStreamClient, JetStreamManager, NatsConnection } from 'nats';
import { endpointOf } from '../protocols/network-errors.js';
import { connectNats, explainNats, NATS_PORT } from '../protocols/nats.js';
import { seqOf, type BusEndpoint, type BusTransport } from './bus-transport.js';
import { commonJs } from '../common-js.js';

/**
 * NATS as the bus scenario drives it. The clients run as a service's would: they reconnect at once and
 * resubscribe, and core NATS buffers what is published while cut off. What a cut costs is then what
 * the bus loses, not what the tool gave up.
 */
const open = (bus: BusEndpoint, name: string, timeoutMs: number) =>
  connectNats(bus.url, { timeoutMs, name, reconnect: true, tlsVerify: bus.tlsVerify });

/** Core NATS: publish on one connection, subscribe on another. A message with no subscriber is gone. */
export function natsCore(bus: BusEndpoint, subject: string, timeoutMs: number, name: string): BusTransport {
  let pub: NatsConnection | undefined;
  let sub: NatsConnection | undefined;
  let receive: (seq: number) => void = () => undefined;
  const at = endpointOf(bus.url, NATS_PORT);
  return {
    async open() {
      [pub, sub] = await Promise.all([open(bus, `${name}-publisher`, timeoutMs), open(bus, `${name}-subscriber`, timeoutMs)]);
      sub.subscribe(subject, { callback: (_err, m) => receive(seqOf(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength))) });
      await sub.flush(); // subscribed on the server before the first publish
    },
    // Core NATS acknowledges nothing: a publish is accepted once the client has taken it.
    publish: async (_seq, payload) => pub!.publish(subject, payload),
    onDelivery: (r) => void (receive = r),
    async close() {
      await Promise.all([pub?.drain(), sub?.close()].map((p) => p?.catch(() => undefined)));
    },
    explain: (err) => explainNats(err, at),
  };
}

/**
 * JetStream: each publish waits for the stream's acknowledgement; a consumer of the run's own (explicit
 * acks, from new messages on) reads and acknowledges on another connection. A stream that holds the
 * subject already is used as it is and only the run's consumer is removed after; otherwise the run
 * makes a stream for the subject and deletes it.
 */
export function natsJetStream(bus: BusEndpoint, subject: string, timeoutMs: number, name: string): BusTransport {
  let producer: NatsConnection | undefined;
  let reader: NatsConnection | undefined;
  let jsm: JetStreamManager | undefined;
  let js: JetStreamClient | undefined;
  let stream = '';
  let created = false;
  let added = 0;
  let receive: (seq: number) => void = () => undefined;
  let stop: (() => void) | undefined;
  const consumer = `validate-${randomBytes(4).toString('hex')}`;
  const at = endpointOf(bus.url, NATS_PORT);
  return {
    async open() {
      [producer, reader] = await Promise.all([open(bus, `${name}-producer`, timeoutMs), open(bus, `${name}-consumer`, timeoutMs)]);
      jsm = await producer.jetstreamManager();
      js = producer.jetstream();
      stream = await jsm.streams.find(subject).catch(() => '');
      if (!stream) {
        stream = `VALIDATE_${randomBytes(4).toString('hex').toUpperCase()}`;
        await jsm.streams.add({ name: stream, subjects: [subject] });
        created = true;
      }
      const { AckPolicy, DeliverPolicy } = commonJs(await import('nats'));
      await jsm.consumers.add(stream, {
        durable_name: consumer,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.New,
        filter_subject: subject,
      });
      const messages = await (await reader.jetstream().consumers.get(stream, consumer)).consume({ max_messages: 1000 });
      stop = () => void messages.stop();
      void (async () => {
        for await (const m of messages) {
          receive(seqOf(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength)));
          m.ack();
        }
      })().catch(() => undefined);
    },
    publish: (_seq, payload) => js!.publish(subject, payload, { timeout: timeoutMs }).then(() => void added++),
    onDelivery: (r) => void (receive = r),
    async close() {
      stop?.();
      try {
        if (created) await jsm?.streams.delete(stream);
        else if (stream) await jsm?.consumers.delete(stream, consumer);
      } finally {
        await Promise.all([producer?.close(), reader?.close()].map((p) => p?.catch(() => undefined)));
      }
    },
    explain: (err) => explainNats(err, at),
    leftBehind: () =>
      !created && added
        ? `${added.toLocaleString('en-US')} test messages stay in JetStream stream ${stream} (it held ${subject} before the run; its consumer ${consumer} was removed)`
        : undefined,
  };
}
