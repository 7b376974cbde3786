#!/usr/bin/env -S npx tsx
// The docs' reference tables, made from the registries in src/ (never a build that may be stale), so the
// docs cannot drift from the code: a kind, metric, scenario, fault or format added is in them after
// `npm run docs`. A page marks each generated table with <!-- generated:NAME --> ... <!-- end:NAME -->;
// test/architecture/readme-tables.test.ts fails when one is stale.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FAULTS } from '../src/faults/registry.js';
import { PROBES } from '../src/probes/registry.js';
import { FORMATS } from '../src/reports/formats.js';
import { COMMON_METRICS, type MetricSpec } from '../src/results/measurement.js';
import { SCENARIOS } from '../src/scenarios/registry.js';

const root = new URL('..', import.meta.url);
const cell = (s: string) => String(s).replace(/\|/g, '\\|');

/** Every generated table, by marker name. */
export function docsTables(): Record<string, string> {
  const metricList = (metrics: Record<string, MetricSpec>) =>
    Object.entries(metrics)
      .map(([name, spec]) => `\`${name}\` (${spec.unit.replace('_', ' ')}${spec.labelled ? ', by label' : ''})`)
      .join(', ');
  const aka = (aliases: string[]) => (aliases.length ? ` (${aliases.map((a) => `\`${a}\``).join(', ')})` : '');
  return {
    metrics: [
      '| kind | metrics (unit) |',
      '|---|---|',
      `| every target | ${metricList(COMMON_METRICS)} |`,
      ...PROBES.map((p) => `| \`${p.kind}\`${aka(p.aliases)} | ${cell(metricList(p.metrics))} |`),
    ].join('\n'),
    scenarios: [
      '| kind | report section | what it measures |',
      '|---|---|---|',
      ...SCENARIOS.map((s) => `| \`${s.kind}\` | ${s.section.title} | ${cell(s.summary)} |`),
    ].join('\n'),
    faults: ['| type | what it does |', '|---|---|', ...FAULTS.map((f) => `| \`${f.type}\` | ${cell(f.summary)} |`)].join('\n'),
    formats: [
      '| format | `--out` extensions | for |',
      '|---|---|---|',
      ...Object.entries(FORMATS).map(
        ([name, f]) => `| \`${name}\` | ${f.extensions.map((e) => `\`${e}\``).join(' ')} | ${cell(f.summary)} |`,
      ),
    ].join('\n'),
  };
}

/** A page with every marked table replaced by its current content. */
export function renderDoc(text: string, file = 'README.md'): string {
  const tables = docsTables();
  return text.replace(/(<!-- generated:(\w+) -->)[\s\S]*?(<!-- end:\2 -->)/g, (_whole, open: string, name: string, close: string) => {
    if (!(name in tables)) throw new Error(`${file}: unknown generated table "${name}"`);
    return `${open}\n${tables[name]}\n${close}`;
  });
}

/** The pages that carry generated tables: the README and the reference pages under docs/. */
export function docPages(): string[] {
  const docs = (() => {
    try {
      return readdirSync(new URL('docs/', root))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`);
    } catch {
      return [];
    }
  })();
  return ['README.md', ...docs];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const page of docPages()) {
    const file = new URL(page, root);
    writeFileSync(file, renderDoc(readFileSync(file, 'utf8'), page));
  }
}
