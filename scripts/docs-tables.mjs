#!/usr/bin/env node
// The README's reference tables, made from the registries (the built ones in dist/), so the docs cannot
// drift from the code: a kind, metric, scenario, fault or format added is in the README after `npm run docs`.
// The README marks each generated table with <!-- generated:NAME --> ... <!-- end:NAME -->;
// test/architecture/readme-tables.test.ts fails when one is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('..', import.meta.url);
const load = (path) => import(new URL(`dist/${path}`, root).href);
const cell = (s) => String(s).replace(/\|/g, '\\|');

/** Every generated table, by marker name. */
export async function docsTables() {
  const [{ PROBES }, { SCENARIOS }, { FAULTS }, { FORMATS }, { COMMON_METRICS }] = await Promise.all([
    load('probes/registry.js'),
    load('scenarios/registry.js'),
    load('faults/registry.js'),
    load('reports/formats.js'),
    load('results/measurement.js'),
  ]);
  const metricList = (metrics) => Object.entries(metrics).map(([name, spec]) => `\`${name}\` (${spec.unit.replace('_', ' ')}${spec.labelled ? ', by label' : ''})`).join(', ');
  const aka = (aliases) => (aliases.length ? ` (${aliases.map((a) => `\`${a}\``).join(', ')})` : '');
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
      ...Object.entries(FORMATS).map(([name, f]) => `| \`${name}\` | ${f.extensions.map((e) => `\`${e}\``).join(' ')} | ${cell(f.summary)} |`),
    ].join('\n'),
  };
}

/** The README with every marked table replaced by its current content. */
export async function renderReadme(text) {
  const tables = await docsTables();
  return text.replace(/(<!-- generated:(\w+) -->)[\s\S]*?(<!-- end:\2 -->)/g, (whole, open, name, close) => {
    if (!(name in tables)) throw new Error(`README.md: unknown generated table "${name}"`);
    return `${open}\n${tables[name]}\n${close}`;
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = new URL('README.md', root);
  writeFileSync(file, await renderReadme(readFileSync(file, 'utf8')));
}
