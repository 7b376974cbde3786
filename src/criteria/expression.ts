/**
 * The comparison language used by criteria (`engines.available >= 90%`) and by HTTP body assertions
 * (`status == healthy`). One comparison per expression keeps every criterion a row in the decision
 * matrix with one requirement and one actual value.
 *
 *   expression  := operand comparator operand
 *   comparator  := "<" | "<=" | ">" | ">=" | "==" | "!="
 *   operand     := reference | number [unit] | string | "true" | "false" | "null"
 *   reference   := segment ("." segment)* [labels]
 *   segment     := [A-Za-z0-9_-]+            (the first starts with a letter or _)
 *   labels      := "{" matcher ("," matcher)* "}"
 *   matcher     := segment ("=" | "!=" | "=~" | "!~") string      (as PromQL: =~ and !~ are anchored regexes)
 *   number      := ["-"] digits ["." digits]      (a unit may follow after spaces: `100 ms`)
 *   unit        := "%" | "ms" | "s" | "m" | "h" | "d" | "B" | "KB" | "MB" | "GB" | "KiB" | "MiB" | "GiB" | "/s"
 *   string      := '"' any-but-quote* '"' | "'" any-but-quote* "'"
 *
 * Exactly one side of a criterion must be a reference. Parse errors quote the input and point at the column.
 */
export type Comparator = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** A PromQL label matcher: `severity="critical"`, `job!="batch"`, `instance=~"10\\..*"`, `env!~"dev|test"`. */
export interface LabelMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export type Operand =
  | { type: 'ref'; path: string[]; matchers?: LabelMatcher[]; text: string; pos: number }
  | { type: 'number'; value: number; unit?: string; text: string; pos: number }
  | { type: 'string'; value: string; text: string; pos: number }
  | { type: 'literal'; value: boolean | null; text: string; pos: number };

export interface Expression {
  source: string;
  left: Operand;
  op: Comparator;
  right: Operand;
}

export class ExpressionError extends Error {
  constructor(
    readonly source: string,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${reason} at column ${column + 1}\n    ${source}\n    ${' '.repeat(column)}^`);
  }
}

export const UNITS = ['%', 'ms', 's', 'm', 'h', 'd', 'B', 'KB', 'MB', 'GB', 'KiB', 'MiB', 'GiB', '/s'];
const COMPARATORS: Comparator[] = ['<=', '>=', '==', '!=', '<', '>'];

export function parseExpression(source: string): Expression {
  const p = new Parser(source);
  const left = p.operand();
  const op = p.comparator();
  const right = p.operand();
  p.end();
  return { source, left, op, right };
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  private fail(reason: string, at = this.i): never {
    throw new ExpressionError(this.s, Math.min(at, this.s.length), reason);
  }

  private skipSpace(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }

  operand(): Operand {
    this.skipSpace();
    const start = this.i;
    const c = this.s[this.i];
    if (c === undefined) this.fail('expected a value or a measurement name, found the end of the expression');
    if (c === '"' || c === "'") return { type: 'string', value: this.quoted(), text: this.s.slice(start, this.i), pos: start };
    if (/[0-9-]/.test(c)) return this.number();
    if (/[A-Za-z_]/.test(c)) return this.reference();
    return this.fail(`unexpected "${c}": expected a value or a measurement name`);
  }

  private quoted(): string {
    const quote = this.s[this.i];
    const end = this.s.indexOf(quote, this.i + 1);
    if (end < 0) this.fail(`unterminated string: missing closing ${quote}`);
    const value = this.s.slice(this.i + 1, end);
    this.i = end + 1;
    return value;
  }

  private number(): Operand {
    const start = this.i;
    const m = /^-?\d+(\.\d+)?/.exec(this.s.slice(this.i));
    if (!m) return this.fail('expected a number');
    this.i += m[0].length;
    // A unit may follow after spaces (`100 ms`); any word there is a unit or a mistake, never a new term.
    const rest = /^\s*/.exec(this.s.slice(this.i))![0];
    const unitMatch = /^(%|\/s|KiB|MiB|GiB|KB|MB|GB|ms|B|s|m|h|d)(?![A-Za-z0-9_])/.exec(this.s.slice(this.i + rest.length));
    let unit: string | undefined;
    if (unitMatch) {
      unit = unitMatch[1];
      this.i += rest.length + unit.length;
    } else if (/^[A-Za-z/]/.test(this.s.slice(this.i + rest.length)) && !/^(and|or)\b/.test(this.s.slice(this.i + rest.length))) {
      const bad = /^[A-Za-z/]+/.exec(this.s.slice(this.i + rest.length))![0];
      this.fail(`unknown unit "${bad}": use one of ${UNITS.join(' ')}`, this.i + rest.length);
    }
    return { type: 'number', value: Number(m[0]), unit, text: this.s.slice(start, this.i), pos: start };
  }

  private segment(first: boolean): string {
    const re = first ? /^[A-Za-z_][A-Za-z0-9_-]*/ : /^[A-Za-z0-9_-]+/;
    const m = re.exec(this.s.slice(this.i));
    if (!m) this.fail('expected a name after "."');
    this.i += m[0].length;
    return m[0];
  }

  private reference(): Operand {
    const start = this.i;
    const path = [this.segment(true)];
    while (this.s[this.i] === '.') {
      this.i++;
      path.push(this.segment(false));
    }
    if (path.length === 1 && ['true', 'false', 'null'].includes(path[0])) {
      const value = path[0] === 'null' ? null : path[0] === 'true';
      return { type: 'literal', value, text: path[0], pos: start };
    }
    let matchers: LabelMatcher[] | undefined;
    if (this.s[this.i] === '{') matchers = this.matchers();
    return { type: 'ref', path, matchers, text: this.s.slice(start, this.i), pos: start };
  }

  private matchers(): LabelMatcher[] {
    const out: LabelMatcher[] = [];
    this.i++; // {
    for (;;) {
      this.skipSpace();
      const name = this.segment(true);
      this.skipSpace();
      const op = (['=~', '!~', '!=', '='] as const).find((o) => this.s.startsWith(o, this.i));
      if (!op) this.fail(`expected =, !=, =~ or !~ after label "${name}"`);
      this.i += op.length;
      this.skipSpace();
      if (this.s[this.i] !== '"' && this.s[this.i] !== "'") this.fail(`expected a quoted label value, e.g. ${name}${op}"critical"`);
      const at = this.i;
      const value = this.quoted();
      if (op === '=~' || op === '!~') {
        const why = regexProblem(value);
        if (why) this.fail(`invalid regular expression for label "${name}": ${why}`, at);
      }
      out.push({ name, op, value });
      this.skipSpace();
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      this.fail('expected , or } in the label list');
    }
  }

  comparator(): Comparator {
    this.skipSpace();
    const op = COMPARATORS.find((c) => this.s.startsWith(c, this.i));
    if (!op) {
      const found = this.i < this.s.length ? `"${this.s.slice(this.i, this.i + 2)}"` : 'the end of the expression';
      const hint = this.s[this.i] === '=' && this.s[this.i + 1] !== '=' ? ' (use == to compare)' : '';
      this.fail(`expected a comparison (<, <=, >, >=, ==, !=), found ${found}${hint}`);
    }
    this.i += op.length;
    return op;
  }

  end(): void {
    this.skipSpace();
    if (this.i < this.s.length) this.fail(`unexpected "${this.s.slice(this.i)}" after the comparison (one comparison per expression)`);
  }
}

export function compare(a: number | string, op: Comparator, b: number | string): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
  }
}

/** PromQL regex matchers are anchored at both ends. */
export function labelRegex(source: string): RegExp {
  return new RegExp(`^(?:${source})$`);
}

function regexProblem(source: string): string | undefined {
  try {
    labelRegex(source);
    return undefined;
  } catch (err) {
    return (err as Error).message.replace(/^Invalid regular expression: /, '');
  }
}

/** Does a label value (empty when the series lacks the label, as in PromQL) satisfy the matcher? */
export function matches(m: LabelMatcher, value: string | undefined): boolean {
  const v = value ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return labelRegex(m.value).test(v);
    case '!~':
      return !labelRegex(m.value).test(v);
  }
}

/** `a < b` is `b > a`: lets evaluators always put the reference on the left. */
export function flip(op: Comparator): Comparator {
  return ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' } as const)[op];
}
