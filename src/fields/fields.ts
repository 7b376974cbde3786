import { z } from 'zod';
import { MAX_DURATION_MS, parseDuration } from '../util/duration.js';

/** `2s`, `500ms`, `1m`, or a number of milliseconds; parsed to milliseconds. */
export const duration = z
  .union([z.number().nonnegative(), z.string()])
  .transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a duration like 500ms, 2s or 1m, found "${v}"` });
      return z.NEVER;
    }
    if (ms > MAX_DURATION_MS) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is longer than 24 days, the longest wait a timer can take; is the unit right?` });
      return z.NEVER;
    }
    return ms;
  })
  .meta({ description: 'Duration: 500ms, 2s, 1m, 1h, or milliseconds as a number' });

/** `99.9%` or `99.9`: a share in percent, 0 to 100. */
export const percent = z
  .union([z.number(), z.string().regex(/^\s*\d+(\.\d+)?\s*%?\s*$/, 'expected a percentage like 99.9%')])
  .transform((v) => (typeof v === 'number' ? v : Number(v.replace('%', ''))))
  .pipe(z.number().min(0, 'expected a percentage from 0% to 100%').max(100, 'expected a percentage from 0% to 100%'))
  .meta({ description: 'A percentage, e.g. 99.9% (or 99.9)' });

export const name = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'expected a name of letters, digits, _ and - (it is used in criteria such as engine.<name>.latency_ms)');

export function urlWithSchemes(schemes: string[]) {
  const expected = `expected a URL starting with ${schemes.map((s) => `${s}://`).join(' or ')}`;
  return z.string().superRefine((v, ctx) => {
    const why = urlProblem(v, schemes);
    if (why) ctx.addIssue({ code: 'custom', message: why === 'scheme' ? expected : `${expected}: ${why}` });
  });
}

/**
 * Why a URL is not one of these schemes, never quoting it (it may hold a password): 'scheme' for the
 * wrong scheme, a sentence otherwise. A password with a reserved character is the usual culprit.
 */
export function urlProblem(v: string, schemes: string[]): string | undefined {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return /^[a-z][a-z0-9+.-]*:\/\/[^/]*:[^\s]*@/i.test(v)
      ? 'it does not parse; percent-encode the reserved characters of the password (/ is %2F, @ is %40, : is %3A, # is %23, ? is %3F)'
      : 'it does not parse';
  }
  return schemes.includes(u.protocol.replace(/:$/, '')) ? undefined : 'scheme';
}

/** The fields every target kind shares. Kinds extend this with `kind: z.literal(...)` and their own fields. */
export function targetBase(schemes: string[]) {
  return {
    name,
    url: urlWithSchemes(schemes),
    required: z.boolean().default(true).meta({ description: 'When false, a failure is reported but does not alone make NO-GO' }),
    phase: z.string().optional().meta({ description: 'Name of the phase this target belongs to' }),
    timeout: duration.optional().meta({ description: 'Overrides defaults.timeout for this target' }),
  };
}
