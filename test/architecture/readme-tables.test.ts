import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { docPages, docsTables, renderDoc } from '../../scripts/docs-tables.js';

// The docs' reference tables come from the registries in src/; a kind, metric or format added without
// `npm run docs` makes a page stale, and this fails.
describe('doc tables made from the registries', () => {
  it('every generated table is current, and each is on some page', () => {
    const pages = docPages().map((page) => ({ page, text: readFileSync(new URL(`../../${page}`, import.meta.url), 'utf8') }));
    for (const name of Object.keys(docsTables())) {
      expect(
        pages.some((p) => p.text.includes(`<!-- generated:${name} -->`)),
        `a page has the generated table "${name}"`,
      ).toBe(true);
    }
    for (const { page, text } of pages) expect(renderDoc(text, page), `${page} tables are stale: run npm run docs`).toBe(text);
  });
});
