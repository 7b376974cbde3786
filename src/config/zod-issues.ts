import type { z } from 'zod';
import { didYouMean, suggest } from '../util/suggest.js';
import type { Path } from './locate.js';

export interface PathIssue {
  path: Path;
  message: string;
  /** For an unknown key, the key itself (located on its own line). */
  key?: string;
  /** For an unknown key, the known key it probably meant. */
  suggested?: string;
  /** A required field is absent. */
  missing?: boolean;
}

/** Rewords zod's issues as "expected X, found Y", with "did you mean" for misspelt keys and values. */
export function explainIssues(issues: z.core.$ZodIssue[], schema: z.ZodType, data: unknown): PathIssue[] {
  const out: PathIssue[] = [];
  for (const issue of issues) out.push(...explain(issue, [], schema, data));
  // `urll:` given and `url` missing is one mistake, not two: keep only the "did you mean".
  const misspelt = new Set(out.filter((i) => i.suggested).map((i) => JSON.stringify([...i.path, i.suggested])));
  return out.filter((i) => !(i.missing && misspelt.has(JSON.stringify(i.path))));
}

function explain(issue: z.core.$ZodIssue, prefix: Path, schema: z.ZodType, data: unknown): PathIssue[] {
  const path = [...prefix, ...(issue.path as Path)];
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = shapeKeysAt(schema, path, data);
      return issue.keys.map((key) => ({
        path,
        key,
        suggested: suggest(key, known),
        message: `unknown key "${key}"${didYouMean(key, known)}${known.length ? `; expected one of: ${known.join(', ')}` : ''}`,
      }));
    }
    case 'invalid_type':
      if (input === undefined) return [{ path, missing: true, message: `missing required field (expected ${typeName(issue.expected)})` }];
      return [{ path, message: `expected ${typeName(issue.expected)}, found ${describe(input)}` }];
    case 'invalid_value': {
      const values = issue.values.map((v) => JSON.stringify(v));
      const hint = typeof input === 'string' ? didYouMean(input, issue.values.map(String)) : '';
      return [
        { path, message: `expected ${values.length === 1 ? values[0] : `one of ${values.join(', ')}`}, found ${describe(input)}${hint}` },
      ];
    }
    case 'invalid_union': {
      const u = issue as z.core.$ZodIssueInvalidUnion & { discriminator?: string; options?: unknown[]; note?: string };
      if (u.note === 'No matching discriminator') {
        const found = (input as Record<string, unknown> | undefined)?.[u.discriminator!];
        const options = (u.options ?? []).map(String);
        const what =
          found === undefined
            ? `missing "${u.discriminator}"`
            : `unknown ${u.discriminator} ${describe(found)}${didYouMean(String(found), options)}`;
        return [{ path, message: `${what}; expected one of: ${options.join(', ')}` }];
      }
      // string-or-object unions: explain the branch that matches the input's shape.
      const branch =
        u.errors.find((errs) => errs.some((e) => e.path.length > 0 || e.code !== 'invalid_type')) ?? u.errors[u.errors.length - 1];
      if (!branch || branch.every((e) => e.code === 'invalid_type' && e.path.length === 0)) {
        const expected = u.errors.map((errs) => (errs[0] as { expected?: string })?.expected).filter(Boolean);
        return [{ path, message: `expected ${[...new Set(expected)].map((e) => typeName(e!)).join(' or ')}, found ${describe(input)}` }];
      }
      return branch.flatMap((e) => explain(e, path, schema, data));
    }
    default:
      return [{ path, message: issue.message.replace(/^Invalid input: /, '') }];
  }
}

/** Zod's type names in the words of YAML. */
function typeName(t: string): string {
  return (
    ({ array: 'a list', object: 'a mapping', string: 'a string', number: 'a number', boolean: 'true or false' } as Record<string, string>)[
      t
    ] ?? t
  );
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `"${v}"`;
  return `${typeof v} ${String(v)}`;
}

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
};
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The keys an object schema accepts at `path`, following the data through lists and discriminated unions. */
export function shapeKeysAt(schema: z.ZodType, path: Path, data: unknown): string[] {
  let s: z.ZodType | undefined = schema;
  let d: unknown = data;
  let i = 0;
  while (s) {
    const def = defOf(s);
    if (['optional', 'default', 'nullable', 'prefault', 'readonly'].includes(def.type)) s = def.innerType;
    else if (def.type === 'pipe') s = def.in;
    else if (def.type === 'union') {
      s = objectBranch(def, d);
    } else if (i === path.length) return def.type === 'object' ? Object.keys(def.shape!) : [];
    else if (def.type === 'object') {
      s = def.shape![path[i] as string];
      d = (d as Record<string, unknown> | undefined)?.[path[i]];
      i++;
    } else if (def.type === 'array') {
      s = def.element;
      d = (d as unknown[] | undefined)?.[path[i] as number];
      i++;
    } else return [];
  }
  return [];
}

/**
 * The object branch of a union the data is meant for: by its discriminator's value where the union has one,
 * else the branch that knows most of the data's keys (a criterion written as a mapping, not as a string).
 */
function objectBranch(def: Def, d: unknown): z.ZodType | undefined {
  const objects = def.options!.filter((o) => defOf(o).type === 'object');
  const data = d && typeof d === 'object' ? (d as Record<string, unknown>) : {};
  if (def.discriminator) {
    const kind = data[def.discriminator];
    const values = (o: z.ZodType) => {
      const field = defOf(o).shape?.[def.discriminator!];
      return field ? (defOf(field) as { values?: unknown[] }).values : undefined;
    };
    return objects.find((o) => values(o)?.includes(kind)) ?? objects[0];
  }
  const known = (o: z.ZodType) => Object.keys(data).filter((k) => k in (defOf(o).shape ?? {})).length;
  return objects.reduce<z.ZodType | undefined>((best, o) => (best === undefined || known(o) > known(best) ? o : best), undefined);
}
