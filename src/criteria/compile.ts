import { ExpressionError, flip, parseExpression, type Comparator, type Operand } from './expression.js';
import type { MetricCatalog, ResolvedRef } from './catalog.js';
import { convertLiteral } from './units.js';

export type Severity = 'critical' | 'warning';

export interface CriterionSpec {
  /** For an implicit criterion: what it stands for (`required-probes`), so a report can tell it apart without reading its expression. */
  key?: string;
  name?: string;
  expect: string;
  severity: Severity;
  description?: string;
  /** Overrides the executive-summary category the measurement's family gives. */
  category?: string;
  /** Where it is written in the config (file, line), for annotations. */
  location?: SourceLocation;
  /** How long it must be violated in production before its alert fires (`validate alerts`), in ms. */
  for?: number;
  /** The requirement in words, where the measurement's own words would not say it (the implicit criteria). */
  inWords?: string;
}

export interface SourceLocation {
  file: string;
  line?: number;
}

/** A criterion ready to evaluate: the reference on the left, the bound converted to the measurement's unit. */
export interface Criterion {
  name: string;
  expression: string;
  severity: Severity;
  description?: string;
  ref: ResolvedRef;
  refText: string;
  op: Comparator;
  bound: number;
  /** The bound as written, e.g. `90%`, for the requirement column. */
  boundText: string;
  /** Added by the tool rather than written by the user. */
  implicit?: boolean;
  key?: string;
  category: string;
  location?: SourceLocation;
  for?: number;
  inWords?: string;
}

/** Compiles one criterion, or says what is wrong with it (quoting the expression). */
export function compileCriterion(spec: CriterionSpec, catalog: MetricCatalog): Criterion | string {
  let expr;
  try {
    expr = parseExpression(spec.expect);
  } catch (err) {
    if (err instanceof ExpressionError) return `invalid expression: ${err.message}`;
    throw err;
  }
  let { left, right, op } = expr;
  if (left.type !== 'ref' && right.type === 'ref') {
    [left, right] = [right, left];
    op = flip(op);
  }
  if (left.type !== 'ref') return `"${spec.expect}" compares two values; one side must be a measurement, e.g. engine.risk.latency_ms < 100`;
  if (right.type === 'ref') return `"${spec.expect}" compares two measurements; compare one measurement with a number`;
  if (right.type !== 'number') return `"${spec.expect}": measurements are numbers; compare with a number, found ${right.text}`;
  const ref = catalog.resolve(left);
  if (typeof ref === 'string') return ref;
  const bound = convertLiteral(right.value, right.unit, ref.spec.unit);
  if (typeof bound === 'string') return `"${spec.expect}": ${bound}`;
  return {
    ...(spec.key && { key: spec.key }),
    name: spec.name ?? spec.expect,
    expression: spec.expect,
    severity: spec.severity,
    description: spec.description,
    ref,
    refText: (left as Extract<Operand, { type: 'ref' }>).text,
    op,
    bound,
    boundText: right.text,
    category: spec.category ?? ref.category,
    ...(spec.for !== undefined && { for: spec.for }),
    ...(spec.inWords && { inWords: spec.inWords }),
    ...(spec.location && { location: spec.location }),
  };
}
