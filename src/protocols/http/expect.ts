import { z } from 'zod';
import { checkAssertion, parseAssertion } from './body-assertions.js';

/** A body assertion in the criteria language, checked when the config is read. */
const assertion = z.string().superRefine((text, ctx) => {
  try {
    parseAssertion(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `invalid body assertion: ${(err as Error).message}` });
  }
});

const httpStatus = z.number().int().min(100).max(599);

/** `200`, `"2xx"` or `[200, 204]`: what counts as success, for probes and load alike. */
export const expectedStatus = z
  .union([httpStatus, z.string().regex(/^[1-5]xx$/, 'expected a status like 200 or "2xx"'), z.array(httpStatus).min(1)])
  .default('2xx')
  .meta({ description: 'Expected status: 200, "2xx", or a list like [200, 204]' });

export type ExpectedStatus = z.output<typeof expectedStatus>;

/** What a response must be: status, JSON body assertions, and (probes) text it contains. */
export const expectSchema = z
  .strictObject({
    status: expectedStatus,
    body: z.array(assertion).default([]).meta({ description: 'Assertions on the JSON body, e.g. "status == healthy"' }),
    contains: z.string().optional().meta({ description: 'Text the body must contain' }),
  })
  .default({ status: '2xx', body: [] });

export type Expectation = z.output<typeof expectSchema>;

export function statusMatches(status: number, expected: ExpectedStatus): boolean {
  if (typeof expected === 'number') return status === expected;
  if (Array.isArray(expected)) return expected.includes(status);
  return String(status)[0] === expected[0];
}

export function describeExpected(expected: ExpectedStatus): string {
  return Array.isArray(expected) ? expected.join(' or ') : String(expected);
}

/**
 * Checks a response body against the expectation's text and JSON assertions. Compiled once (the load
 * generator runs it per response); returns what is wrong, or nothing.
 */
export function bodyChecker(expect: Pick<Expectation, 'body' | 'contains'>): ((body: Buffer, truncated: boolean) => string[]) | undefined {
  const assertions = expect.body.map(parseAssertion);
  if (assertions.length === 0 && expect.contains === undefined) return undefined;
  return (buf, truncated) => {
    const problems: string[] = [];
    const text = buf.toString('utf8');
    const cut = truncated ? ` in its first ${buf.length} bytes` : '';
    if (expect.contains !== undefined && !text.includes(expect.contains)) problems.push(`body does not contain "${expect.contains}"${cut}`);
    if (assertions.length === 0) return problems;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      problems.push(
        truncated
          ? `body is larger than maxBodyBytes (${buf.length}); cannot check "${assertions[0].source}"`
          : `body is not JSON; cannot check "${assertions[0].source}"`,
      );
      return problems;
    }
    for (const a of assertions) {
      const why = checkAssertion(a, json);
      if (why) problems.push(why);
    }
    return problems;
  };
}
