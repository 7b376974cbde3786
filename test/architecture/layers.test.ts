import { builtinModules } from 'node:module';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importsOf, packageOf } from './imports.js';

/**
 * The layering of src/, as ARCHITECTURE.md's "Layers" table writes it (once: this test reads the table),
 * checked against every import of every source file, read by TypeScript's own parser: a folder may import
 * itself, the folders and npm packages its row names, Node's own modules, and the contracts at the top.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SRC = join(ROOT, 'src');
const CONTRACTS = new Set(['errors.ts', 'exit-codes.ts', 'version.ts', 'paths.ts', 'common-js.ts']);
const NODE = new Set(builtinModules);

interface Row {
  folders: Set<string>;
  packages: Set<string>;
}

function layersTable(): Map<string, Row> {
  const text = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8');
  const section = text.slice(text.indexOf('## Layers'), text.indexOf('\n## ', text.indexOf('## Layers') + 1));
  const rows = [...section.matchAll(/^\| `([\w()-]+)\/?` \|([^|]*)\|([^|]*)\|/gm)];
  const names = (cell: string) => new Set([...cell.matchAll(/`([\w()@/-]+?)\/?`/g)].map((m) => m[1]));
  return new Map(rows.map(([, folder, folders, packages]) => [folder, { folders: names(folders), packages: names(packages) }]));
}

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const folderOf = (path: string) => (path.includes('/') ? path.split('/')[0] : '(top)');

interface Edge {
  from: string;
  to?: string;
  pkg?: string;
  typeOnly: boolean;
}

function edges(): Edge[] {
  return sourceFiles().flatMap((file) =>
    importsOf(file, readFileSync(file, 'utf8')).flatMap((i): Edge[] => {
      const from = relative(SRC, file);
      if (i.spec.startsWith('.'))
        return [{ from, to: relative(SRC, resolve(dirname(file), i.spec)).replace(/\.js$/, '.ts'), typeOnly: i.typeOnly }];
      const pkg = packageOf(i.spec);
      return pkg && !NODE.has(pkg) ? [{ from, pkg, typeOnly: i.typeOnly }] : [];
    }),
  );
}

describe('the import reader cannot be fooled', () => {
  it('reads every form of import: either quotes, side effects, dynamic, export-from, require, import types', () => {
    const src = [
      `import { a } from "../probes/registry.js";`,
      `import '../x.js';`,
      `import type { T } from './t.js';`,
      `import { type U, type V } from './uv.js';`,
      `export { b } from '../reports/model.js';`,
      `export * from "./all.js";`,
      `const m = await import('../demo/platform.js');`,
      `const r = require("ioredis");`,
      `import pg = require('pg');`,
      `let q: import('./q.js').Q;`,
    ].join('\n');
    expect(importsOf('f.ts', src)).toEqual([
      { spec: '../probes/registry.js', typeOnly: false },
      { spec: '../x.js', typeOnly: false },
      { spec: './t.js', typeOnly: true },
      { spec: './uv.js', typeOnly: true },
      { spec: '../reports/model.js', typeOnly: false },
      { spec: './all.js', typeOnly: false },
      { spec: '../demo/platform.js', typeOnly: false },
      { spec: 'ioredis', typeOnly: false },
      { spec: 'pg', typeOnly: false },
      { spec: './q.js', typeOnly: true },
    ]);
  });
});

describe('the layering written in ARCHITECTURE.md holds', () => {
  const table = layersTable();
  const all = edges();

  it('the table names every folder of src/, and every folder imports something (the reader found its imports)', () => {
    const folders = [...new Set(sourceFiles().map((f) => folderOf(relative(SRC, f))))].sort();
    expect(folders.filter((f) => !table.has(f))).toEqual([]);
    const silent = folders.filter((f) => f !== 'util' && !all.some((e) => folderOf(e.from) === f));
    expect(silent).toEqual([]);
    expect(all.length).toBeGreaterThan(500);
  });

  it('every import goes where its folder may go, npm packages included', () => {
    const wrong = all.filter((e) => {
      const row = table.get(folderOf(e.from));
      if (e.pkg) return !row?.packages.has(e.pkg);
      const to = folderOf(e.to!);
      return to !== folderOf(e.from) && !CONTRACTS.has(e.to!) && !row?.folders.has(to);
    });
    expect(wrong.map((e) => `${e.from} imports ${e.pkg ?? e.to}`)).toEqual([]);
  });

  it('the table allows nothing that no code uses', () => {
    const used = new Set(all.map((e) => `${folderOf(e.from)} ${e.pkg ?? folderOf(e.to!)}`));
    const unused = [...table].flatMap(([folder, row]) =>
      [...row.folders, ...row.packages].filter((x) => !used.has(`${folder} ${x}`)).map((x) => `${folder}/ -> ${x}`),
    );
    expect(unused).toEqual([]);
  });

  it('no module imports itself back at run time (type imports aside)', () => {
    const graph = new Map<string, string[]>();
    for (const e of all.filter((x) => x.to && !x.typeOnly)) graph.set(e.from, [...(graph.get(e.from) ?? []), e.to!]);
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
