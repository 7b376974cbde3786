import { z } from 'zod';
import { DURATION_PATTERN, durationProblem, MAX_DURATION_MS, parseDuration } from '../util/duration.js';

/** A value the config takes from the environment (`${VAR}`, `${VAR:-default}`), known only when loaded. */
const ENV_REF = '\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}';
const DURATION_JSON_PATTERN = `^(0|${DURATION_PATTERN.source.slice(1, -1)}|${ENV_REF})$`;

/**
 * `2s`, `500ms`, `1m`, `1h30m` (or 0); parsed to milliseconds. A bare number is refused with the likely
 * unit (YAML's `timeout: 10` is ten what?). The pattern goes into the JSON Schema for editors and CI.
 */
export const duration = z
  // A bare number other than 0 is taken only to say which unit it lacks: the JSON Schema admits 0 alone.
  .union([z.string().meta({ pattern: DURATION_JSON_PATTERN }), z.number().meta({ const: 0 })])
  .transform((v, ctx) => {
    const ms = typeof v === 'number' ? (v === 0 ? 0 : undefined) : parseDuration(v);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: durationProblem(String(v)) });
      return z.NEVER;
    }
    if (ms > MAX_DURATION_MS) {
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(v)} is longer than 24 days, the longest wait a timer can take; is the unit right?`,
      });
      return z.NEVER;
    }
    return ms;
  })
  .meta({ description: 'Duration with a unit: 500ms, 2s, 1m, 1h, 1h30m' });

/** `99.9%` or `99.9`: a share in percent, 0 to 100. */
export const percent = z
  .union([z.number(), z.string().regex(/^\s*\d+(\.\d+)?\s*%?\s*$/, 'expected a percentage like 99.9%')])
  .transform((v) => (typeof v === 'number' ? v : Number(v.replace('%', ''))))
  .pipe(z.number().min(0, 'expected a percentage from 0% to 100%').max(100, 'expected a percentage from 0% to 100%'))
  .meta({ description: 'A percentage, e.g. 99.9% (or 99.9)' });

export const name = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_-]*$/,
    'expected a name of letters, digits, _ and - (it is used in criteria such as engine.<name>.latency_ms)',
  );

export function urlWithSchemes(schemes: string[]) {
  const expected = `expected a URL starting with ${schemes.map((s) => `${s}://`).join(' or ')}`;
  return z
    .string()
    .superRefine((v, ctx) => {
      const why = urlProblem(v, schemes);
      if (why) ctx.addIssue({ code: 'custom', message: why === 'scheme' ? expected : `${expected}: ${why}` });
    })
    .meta({ pattern: `^((${schemes.join('|')})://|${ENV_REF})` });
}

/** A request path: `/health`, `/orders?x=1`. */
export const requestPath = z.string().regex(/^\//, 'expected a path starting with /');

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

/**
 * What a target must refuse: clients without credentials (`auth`), clients in the clear (`tls`). Each
 * `required` becomes a criterion on the target's `auth_required` / `tls_enabled` (and `tls_required`
 * where the protocol can tell), so an open Redis or a plaintext PostgreSQL is a NO-GO with its reason.
 */
export const security = z
  .strictObject({
    auth: z.enum(['required', 'optional']).optional().meta({ description: 'required: clients without credentials must be refused' }),
    tls: z
      .enum(['required', 'optional'])
      .optional()
      .meta({ description: 'required: the target must speak TLS and refuse clients in the clear' }),
  })
  .meta({ description: 'What the target must refuse; top-level security sets it for every target that can tell' });

/** The fields every target kind shares. Kinds extend this with `kind: z.literal(...)` and their own fields. */
export function targetBase(schemes: string[]) {
  return {
    name,
    url: urlWithSchemes(schemes),
    required: z.boolean().default(true).meta({ description: 'When false, a failure is reported but does not alone make NO-GO' }),
    phase: z.string().optional().meta({ description: 'Name of the phase this target belongs to' }),
    timeout: duration.optional().meta({ description: 'Overrides defaults.timeout for this target' }),
    security: security.optional(),
    metrics: z.record(z.string(), z.string().min(1)).optional().meta({
      description:
        "For validate alerts: PromQL giving a measurement in production, in its unit, e.g. latency_ms: 1000 * histogram_quantile(0.99, ...); $target is the target's name",
    }),
  };
}
