/** The output formats, by key. Kept apart from the renderers so the config schema can name them without loading any. */
export const FORMAT_NAMES = ['table', 'markdown', 'json', 'junit', 'prometheus', 'html'] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

/** Format chosen from an output file's extension. */
export function formatFromPath(path: string): FormatName | undefined {
  if (/\.json$/i.test(path)) return 'json';
  if (/\.(md|markdown)$/i.test(path)) return 'markdown';
  if (/\.txt$/i.test(path)) return 'table';
  if (/\.xml$/i.test(path)) return 'junit';
  if (/\.prom$/i.test(path)) return 'prometheus';
  if (/\.html?$/i.test(path)) return 'html';
  return undefined;
}
