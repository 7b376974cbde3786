import { connect } from 'node:net';
import { z } from 'zod';
import { targetBase } from '../fields/fields.js';
import { classifyError, endpointOf } from '../protocols/network-errors.js';
import { defineProbe, type ProbeContext, type ProbeOutcome } from './types.js';

const schema = z.strictObject({ kind: z.literal('tcp'), ...targetBase(['tcp']) });
export type TcpTarget = z.output<typeof schema>;

function run(target: TcpTarget, ctx: ProbeContext): Promise<ProbeOutcome> {
  const at = endpointOf(target.url, 0);
  if (!at.port)
    return Promise.resolve({
      status: 'fail',
      latencyMs: null,
      error: 'tcp URL needs a port, e.g. tcp://host:5672',
      details: {},
      measurements: [],
    });
  ctx.stage('connecting');
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect({ host: at.host, port: Number(at.port) });
    ctx.signal.addEventListener(
      'abort',
      () => {
        socket.destroy();
        reject(ctx.signal.reason);
      },
      { once: true },
    );
    socket.once('connect', () => {
      const ms = performance.now() - started;
      socket.destroy();
      resolve({ status: 'pass', latencyMs: ms, details: {}, measurements: [{ metric: 'connect_ms', value: ms, unit: 'ms' }] });
    });
    socket.once('error', (err) =>
      resolve({ status: 'fail', latencyMs: null, error: classifyError(err, at), details: {}, measurements: [] }),
    );
  });
}

export const tcpProbe = defineProbe<TcpTarget>({
  kind: 'tcp',
  aliases: [],
  schemes: ['tcp'],
  summary: 'Anything else: a TCP connect',
  schema,
  metrics: { connect_ms: { unit: 'ms', aggregate: 'max', label: 'connect', headline: true } },
  run,
});
