import type { Connection, Consumer, Publisher } from 'rabbitmq-client';
import { amqpEndpoint, closeAmqp, connectAmqp, explainAmqp } from '../protocols/amqp.js';
import { seqOf, type BusEndpoint, type BusTransport } from './bus-transport.js';

/**
 * RabbitMQ as the bus scenario drives it. Every publish waits for the broker's confirm (the message is
 * the broker's from then on). The clients run as a service's would: they reconnect and declare their
 * consumer again by themselves, so what a cut costs is what the bus loses, not what the tool gave up.
 */
const open = (bus: BusEndpoint, name: string, timeoutMs: number) =>
  connectAmqp(bus.url, { timeoutMs, name, reconnect: true, tlsVerify: bus.tlsVerify });

/** `exchange/routing.key`, or a routing key on amq.topic (every broker has it). */
export function exchangeOf(channel: string): { exchange: string; routingKey: string } {
  const slash = channel.indexOf('/');
  return slash > 0
    ? { exchange: channel.slice(0, slash), routingKey: channel.slice(slash + 1) }
    : { exchange: 'amq.topic', routingKey: channel };
}

interface Sides {
  pub?: Connection;
  sub?: Connection;
  publisher?: Publisher;
  consumer?: Consumer;
}

/**
 * Resolves once the consumer is set up, or rejects with why it could not be. Later errors (the broker
 * closed its connection) it recovers from by itself, and they show as gaps and redeliveries: an 'error'
 * with no listener would end the process.
 */
function consumerReady(c: Consumer): Promise<void> {
  c.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    const failed = (err: unknown) => reject(err);
    c.once('ready', () => {
      c.removeListener('error', failed);
      resolve();
    });
    c.once('error', failed);
  });
}

async function closeSides(s: Sides): Promise<void> {
  await Promise.all([s.publisher?.close(), s.consumer?.close()].map((p) => p?.catch(() => undefined)));
  await Promise.all([closeAmqp(s.pub), closeAmqp(s.sub)]);
}

/**
 * Pub/sub: publish to an exchange; a queue of the run's own (exclusive, server-named) bound to it
 * receives. While the receiver is cut off its queue is gone: what is published then is lost, as it is for
 * any subscriber that is away.
 */
export function rabbitmqExchange(bus: BusEndpoint, channel: string, timeoutMs: number, name: string): BusTransport {
  const s: Sides = {};
  let receive: (seq: number) => void = () => undefined;
  const { exchange, routingKey } = exchangeOf(channel);
  return {
    async open() {
      [s.pub, s.sub] = await Promise.all([open(bus, `${name}-publisher`, timeoutMs), open(bus, `${name}-subscriber`, timeoutMs)]);
      // The exchange must exist already: the platform declares its own (a passive declare fails with why).
      await s.pub.exchangeDeclare({ exchange, passive: true });
      s.publisher = s.pub.createPublisher({ confirm: true, maxAttempts: 1 });
      s.consumer = s.sub.createConsumer(
        { queue: '', queueOptions: { exclusive: true, autoDelete: true }, queueBindings: [{ exchange, routingKey }], noAck: true },
        (msg) => receive(seqOf(msg.body as Buffer | string)),
      );
      await consumerReady(s.consumer);
    },
    publish: (_seq, payload) => s.publisher!.send({ exchange, routingKey }, payload),
    onDelivery: (r) => void (receive = r),
    close: () => closeSides(s),
    explain: (err) => explainAmqp(err, amqpEndpoint(bus.url)),
  };
}

/**
 * A queue, as a stream: published through the default exchange, read and acknowledged by the run's
 * consumer. What is published while the consumer is cut off waits in the queue, and what it had not
 * acknowledged is delivered again (duplicates). A queue that others consume is refused: its messages
 * would be shared between them and the run. A queue the run made is deleted after.
 */
export function rabbitmqQueue(bus: BusEndpoint, queue: string, timeoutMs: number, name: string): BusTransport {
  const s: Sides = {};
  let receive: (seq: number) => void = () => undefined;
  let created = false;
  return {
    async open() {
      [s.pub, s.sub] = await Promise.all([open(bus, `${name}-producer`, timeoutMs), open(bus, `${name}-consumer`, timeoutMs)]);
      const found = await s.pub.queueDeclare({ queue, passive: true }).catch(() => undefined);
      if (found && found.consumerCount > 0)
        throw new Error(
          `queue ${queue} has ${found.consumerCount} consumer(s) already: the run's consumer would share its messages with them; name a queue of the run's own`,
        );
      if (!found) {
        await s.pub.queueDeclare({ queue, durable: true });
        created = true;
      }
      s.publisher = s.pub.createPublisher({ confirm: true, maxAttempts: 1 });
      s.consumer = s.sub.createConsumer({ queue, queueOptions: { passive: true }, qos: { prefetchCount: 1000 } }, (msg) => {
        receive(seqOf(msg.body as Buffer | string));
      });
      await consumerReady(s.consumer);
    },
    publish: (_seq, payload) => s.publisher!.send(queue, payload),
    onDelivery: (r) => void (receive = r),
    async close() {
      if (created) await s.pub?.queueDelete({ queue }).catch(() => undefined);
      await closeSides(s);
    },
    explain: (err) => explainAmqp(err, amqpEndpoint(bus.url)),
  };
}
