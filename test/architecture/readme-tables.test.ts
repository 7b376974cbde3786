import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script, no types
import { docsTables, renderReadme } from '../../scripts/docs-tables.mjs';

// The README's reference tables come from the registries; a kind, metric or format added without
// `npm run docs` makes the README stale, and this fails.
describe('README tables made from the registries', () => {
  it('every generated table is current', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const tables: Record<string, string> = await docsTables();
    for (const name of Object.keys(tables)) expect(readme, `README.md has the generated table "${name}"`).toContain(`<!-- generated:${name} -->`);
    expect(await renderReadme(readme), 'README.md tables are stale: run npm run docs').toBe(readme);
  });
});
