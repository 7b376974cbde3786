import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseConfigText } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { Redactor } from '../../src/util/redact.js';

/**
 * Malformed configs as a class, not as examples: every mapping of the shipped configs gets a key no schema
 * knows, and every value is replaced by a value of another shape. Each must be refused with a ConfigError
 * that names the place (a TypeError from the message code once crashed on a criterion written `expr:`).
 */
const ENV: NodeJS.ProcessEnv = {
  ...Object.fromEntries(
    [
      'PROMETHEUS',
      'GRAFANA',
      'WEBSOCKET',
      'WS',
      'RISK',
      'PORTFOLIO',
      'MARKETDATA',
      'STRATEGY',
      'COLLATERAL',
      'ANALYTICS',
      'FACTOR',
      'ML',
      'FEATURES',
    ].map((n) => [`DEMO_${n}_URL`, n === 'WS' ? 'ws://127.0.0.1:1' : 'http://127.0.0.1:1']),
  ),
  ...Object.fromEntries([1, 2, 3].map((i) => [`DEMO_RISK_REPLICA_${i}`, `http://127.0.0.1:${i}`])),
  DEMO_PIDFILE: 'pidfile:///run/x.pid',
  DEMO_GRAFANA_TOKEN: 't',
  DEMO_SOAK_DURATION: '2s',
  DEMO_PG_APPLICATION: 'app',
};
/** Mappings that are the user's own data (a request body, a message to send), where any key goes. */
const FREE_FORM = new Set(['body', 'headers', 'labels', 'send', 'message']);
const FIXTURES = ['trading-platform.yaml', 'demo.yaml', 'starter.yaml'];

type Node = unknown;
type Path = (string | number)[];

/**
 * One value per place in the schema: `targets.3.url` and `targets.9.url` are the same field when both are
 * engines, so a list item's index is written as its kind (or type), and each place is mutated once, in
 * whichever shipped config has it first.
 */
const mapsSeen = new Set<string>();
const valuesSeen = new Set<string>();
function placesOf(doc: Node, values: Path[], seen: Set<string>): Path[] {
  return values.filter((at) => {
    let node = doc as Record<string | number, unknown>;
    const key = at.map((k) => {
      const item = node?.[k] as Record<string, unknown> | undefined;
      node = item as Record<string | number, unknown>;
      return typeof k === 'number' ? String(item?.kind ?? item?.type ?? (item as { fault?: { type?: string } })?.fault?.type ?? '*') : k;
    });
    const id = key.join('.');
    return !seen.has(id) && Boolean(seen.add(id));
  });
}
/** Every path to a mapping, and every path to a value, in a parsed document. */
function paths(node: Node, at: Path = [], out: { maps: Path[]; values: Path[] } = { maps: [], values: [] }) {
  if (Array.isArray(node)) node.forEach((v, i) => paths(v, [...at, i], out));
  else if (node && typeof node === 'object') {
    if (!FREE_FORM.has(String(at.at(-1)))) out.maps.push(at);
    for (const [k, v] of Object.entries(node)) {
      out.values.push([...at, k]);
      paths(v, [...at, k], out);
    }
  }
  return out;
}

function mutate(
  doc: Node,
  path: (string | number)[],
  change: (parent: Record<string | number, unknown>, key: string | number) => void,
): string {
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  const parent = path.slice(0, -1).reduce<Record<string | number, unknown>>((n, k) => n[k] as Record<string | number, unknown>, copy);
  change(parent, path[path.length - 1]);
  return stringify(copy);
}

/** The error a config gets: a ConfigError's message, or the other error itself (a bug, failing the test). */
function outcome(text: string): string | Error | undefined {
  try {
    parseConfigText(text, 'm.yaml', new Redactor(), ENV);
    return undefined;
  } catch (err) {
    return err instanceof ConfigError ? err.message : (err as Error);
  }
}

describe.each(FIXTURES)('%s, mutated', (file) => {
  const doc = parse(readFileSync(join('fixtures', file), 'utf8')) as Node;
  const { maps, values } = paths(doc);

  it('is accepted as shipped', () => {
    expect(outcome(stringify(doc))).toBeUndefined();
  });

  it('an unknown key in any mapping is refused, naming the key and the line it is on', () => {
    expect(maps.length).toBeGreaterThan(10);
    const missed = placesOf(doc, maps, mapsSeen).flatMap((at) => {
      const text =
        at.length === 0 ? `zzbogus: 1\n${stringify(doc)}` : mutate(doc, at, (p, k) => Object.assign(p[k] as object, { zzbogus: 1 }));
      const got = outcome(text);
      return typeof got === 'string' && /^m\.yaml:\d+:\d+: .*unknown key "zzbogus"/m.test(got) ? [] : [`${at.join('.')}: ${String(got)}`];
    });
    expect(missed).toEqual([]);
  });

  it('any value of another shape (a list, a mapping, a number, null) is refused with a located message or accepted, never a crash', () => {
    // Two of the four shapes a place, in turn (a place of each kind meets all four over a config): half the parses.
    const SHAPES = [[1, 2], { a: 1 }, 12345, null];
    const wrong = placesOf(doc, values, valuesSeen).flatMap((at, i) =>
      [SHAPES[i % 4], SHAPES[(i + 1) % 4]].flatMap((other) => {
        const got = outcome(
          mutate(doc, at, (p, k) => {
            p[k] = other;
          }),
        );
        const where = `${at.join('.')} = ${JSON.stringify(other)}`;
        if (got instanceof Error) return [`${where}: ${got.stack?.split('\n').slice(0, 3).join(' ')}`];
        return got === undefined || /^m\.yaml:\d+:\d+: /m.test(got) ? [] : [`${where}: ${got}`];
      }),
    );
    expect(wrong).toEqual([]);
  });
});
