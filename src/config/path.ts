/** Where in a config a value is: its keys and indices from the top, `scenarios[0].rate` when written. */
export type Path = (string | number)[];

export function formatPath(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
