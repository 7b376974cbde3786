import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layering of src/, as ARCHITECTURE.md's "Layers" table writes it (once: this test reads the table),
 * checked against every import of every source file, type imports included: a folder may import itself,
 * the folders its row names, and the contract files at the top of src/.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SRC = join(ROOT, 'src');

function allowedFromArchitecture(): Map<string, Set<string>> {
  const text = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8');
  const section = text.slice(text.indexOf('## Layers'));
  const rows = [...section.matchAll(/^\| `([\w()-]+)\/?` \|\s*([^|]*?)\s*\|/gm)];
  return new Map(rows.map(([, folder, imports]) => [folder, new Set([...imports.matchAll(/`([\w()-]+)\/?`/g)].map((m) => m[1]))]));
}

/** Files at the top of src/ that anything may import: the contracts. */
const CONTRACTS = new Set(['errors.ts', 'exit-codes.ts', 'version.ts']);

interface Edge { from: string; to: string; typeOnly: boolean }

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function imports(file: string): Edge[] {
  const text = readFileSync(file, 'utf8');
  const out: Edge[] = [];
  for (const m of text.matchAll(/^(import|export)\s+(type\s+)?[^'";]*?from\s+'(\.[^']+)'|import\('(\.[^']+)'\)/gm)) {
    const spec = m[3] ?? m[4];
    const to = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
    out.push({ from: relative(SRC, file), to: relative(SRC, to), typeOnly: Boolean(m[2]) });
  }
  return out;
}

const folderOf = (path: string) => (path.includes('/') ? path.split('/')[0] : '(top)');

describe('the layering written in ARCHITECTURE.md holds', () => {
  const allowed = allowedFromArchitecture();
  const edges = sourceFiles().flatMap(imports);

  it('the table names every folder of src/', () => {
    const folders = [...new Set(sourceFiles().map((f) => folderOf(relative(SRC, f))))].sort();
    expect(folders.filter((f) => !allowed.has(f))).toEqual([]);
  });

  it('every import goes where its folder may go', () => {
    const wrong = edges.filter((e) => {
      const a = folderOf(e.from);
      const b = folderOf(e.to);
      return a !== b && !CONTRACTS.has(e.to) && !allowed.get(a)?.has(b);
    });
    expect(wrong.map((e) => `${e.from} imports ${e.to} (${folderOf(e.from)}/ may import: ${[...(allowed.get(folderOf(e.from)) ?? [])].join(', ') || 'nothing'})`)).toEqual([]);
  });

  it('no module imports itself back at run time (type imports aside)', () => {
    const graph = new Map<string, string[]>();
    for (const e of edges.filter((x) => !x.typeOnly)) graph.set(e.from, [...(graph.get(e.from) ?? []), e.to]);
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (n: string, path: string[]) => {
      if (state.get(n) === 'done') return;
      if (state.get(n) === 'open') return void cycles.push([...path.slice(path.indexOf(n)), n].join(' -> '));
      state.set(n, 'open');
      for (const m of graph.get(n) ?? []) visit(m, [...path, n]);
      state.set(n, 'done');
    };
    for (const n of graph.keys()) visit(n, []);
    expect(cycles).toEqual([]);
  });
});
