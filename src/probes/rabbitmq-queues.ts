import type { Connection } from 'rabbitmq-client';
import { closeAmqp, connectAmqp } from '../protocols/amqp.js';
import type { Measurement } from '../results/measurement.js';
import type { ProbeContext, ProbeOutcome } from './types.js';

/**
 * Named queues as the broker holds them now: a passive declare answers with the messages ready and the
 * consumers, without changing anything. A queue that does not exist is the platform's failure (its
 * consumers have nowhere to read from): its numbers are broken, not unmeasured.
 */
export async function readQueues(conn: Connection, queues: string[], ctx: ProbeContext, out: ProbeOutcome): Promise<void> {
  const found: Measurement[] = [];
  const idle: string[] = [];
  for (const queue of queues) {
    ctx.stage(`reading queue ${queue}`);
    try {
      const q = await conn.queueDeclare({ queue, passive: true });
      const labels = { queue };
      found.push(
        { metric: 'stream_lag', value: q.messageCount, unit: 'count', labels },
        { metric: 'subscribers', value: q.consumerCount, unit: 'count', labels },
      );
      if (q.consumerCount === 0) idle.push(queue);
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      const e = err as { code?: string; message?: string };
      const why = e.code === 'NOT_FOUND' ? `queue ${queue} does not exist` : `queue ${queue}: ${e.message ?? String(err)}`;
      (out.warnings ??= []).push(why);
      for (const metric of ['stream_lag', 'subscribers', 'stream_pending']) (out.broken ??= {})[metric] ??= why;
    }
  }
  out.measurements.push(...found);
  for (const [metric, worst] of [
    ['stream_lag', Math.max],
    ['subscribers', Math.min],
  ] as const) {
    const values = found.filter((m) => m.metric === metric).map((m) => m.value);
    if (values.length) out.measurements.push({ metric, value: worst(...values), unit: 'count' });
  }
  out.measurements.push({ metric: 'queues_without_consumers', value: idle.length, unit: 'count' });
  if (idle.length) (out.warnings ??= []).push(`no consumer on queue ${idle.join(', ')}`);
  const labels = { queue: queues };
  out.labelValues = { ...out.labelValues, stream_lag: labels, subscribers: labels, stream_pending: labels };
}

/**
 * Whether the broker lets in the default guest/guest login from here: true, false, or undefined when it
 * could not tell (the broker did not answer in time). RabbitMQ lets guest in only from localhost unless
 * told otherwise; a broker that lets it in from anywhere lets anyone in.
 */
export async function rabbitmqGuestLogin(url: string, timeoutMs: number, tlsVerify: boolean): Promise<boolean | undefined> {
  const u = new URL(url);
  u.username = 'guest';
  u.password = 'guest';
  try {
    await closeAmqp(await connectAmqp(u.href, { timeoutMs, name: 'validate-probe-guest', reconnect: false, tlsVerify }));
    return true;
  } catch (err) {
    const code = (err as { code?: string }).code;
    return code === 'ACCESS_REFUSED' || code === 'NOT_ALLOWED' ? false : undefined;
  }
}
