import { z } from 'zod';
import { urlWithSchemes } from '../fields/fields.js';
import { redactUrl } from '../util/redact.js';
import { defineFault } from './types.js';
import { commonJs } from '../common-js.js';

const schema = z.strictObject({
  type: z.literal('http-call'),
  url: urlWithSchemes(['http', 'https']).meta({ description: 'An admin endpoint that causes the fault, e.g. a restart or chaos API' }),
  method: z.enum(['POST', 'PUT', 'DELETE', 'GET']).default('POST'),
  headers: z.record(z.string(), z.string()).default({}),
});
export type HttpCallFault = z.output<typeof schema>;

/** Calls an admin or chaos endpoint (a service's restart action, a chaos tool's API). */
export const httpCallFault = defineFault<HttpCallFault>({
  type: 'http-call',
  summary: 'Call an admin or chaos HTTP endpoint (e.g. a restart action)',
  schema,
  references: () => [],
  describe: (f) => `call ${f.method} ${redactUrl(f.url)}`,
  async inject(f, ctx) {
    const { request } = commonJs(await import('undici'));
    const res = await request(f.url, { method: f.method, headers: f.headers, signal: ctx.signal });
    await res.body.dump();
    if (res.statusCode >= 400) throw new Error(`${f.method} ${redactUrl(f.url)} answered HTTP ${res.statusCode}`);
    return { detail: `${f.method} ${redactUrl(f.url)}: HTTP ${res.statusCode}` };
  },
});
