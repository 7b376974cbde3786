import { compare, parseExpression, type Expression, type Operand } from '../../criteria/expression.js';

/**
 * Assertions on a JSON body, in the criteria language: `status == healthy`, `checks.redis == "ok"`,
 * `uptime_seconds > 60`. A bare word on the right (`healthy`) is read as a string, which is what
 * people write for health endpoints.
 */
export function parseAssertion(text: string): Expression {
  const expr = parseExpression(text);
  if (expr.left.type !== 'ref') {
    throw new Error(`the left side of a body assertion must be a JSON field path, e.g. status == healthy`);
  }
  return expr;
}

/** Returns undefined when the assertion holds, else why it does not. */
export function checkAssertion(expr: Expression, body: unknown): string | undefined {
  const left = expr.left as Extract<Operand, { type: 'ref' }>;
  const found = getPath(body, left.path);
  if (found === undefined) return `body has no field "${left.text}" (asserted ${expr.source})`;
  const expected = literalValue(expr.right);
  const actual = typeof expected === 'number' && typeof found === 'string' && found.trim() !== '' ? Number(found) : found;
  let ok: boolean;
  if (typeof expected === 'number' && typeof actual === 'number') ok = compare(actual, expr.op, expected);
  else if (expr.op === '==' || expr.op === '!=') ok = compare(stringify(actual), expr.op, stringify(expected));
  else ok = false;
  return ok ? undefined : `body assertion failed: ${expr.source} (found ${JSON.stringify(found)})`;
}

function literalValue(op: Operand): unknown {
  switch (op.type) {
    case 'ref':
      return op.text; // bare word: a string literal in this context
    case 'number':
      return op.value;
    case 'string':
    case 'literal':
      return op.value;
  }
}

function stringify(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function getPath(value: unknown, path: string[]): unknown {
  let cur: unknown = value;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
