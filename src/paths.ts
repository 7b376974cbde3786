import { existsSync } from 'node:fs';

/** Run from the TypeScript sources (the tests, under tsx): entry files are .ts, and a worker needs tsx to load them. */
export const FROM_SOURCES = import.meta.url.endsWith('.ts');

let root: URL | undefined;

/** A file of the package (package.json, fixtures/): found from the nearest package.json up from this code. */
export function packageFile(path: string): URL {
  if (!root) {
    let dir = new URL('.', import.meta.url);
    while (!existsSync(new URL('package.json', dir)) && new URL('..', dir).href !== dir.href) dir = new URL('..', dir);
    root = dir;
  }
  return new URL(path, root);
}

/**
 * An entry file of the program (a worker's, a child process's) by its path in the code's tree, without
 * extension. The code runs from one of three trees: the sources (src/), tsc's output (dist/), or the
 * bundle (dist/bundle/, what bin/validate runs), whose shared chunks may hold this function anywhere.
 */
export function entryFile(path: string): URL {
  const tree = FROM_SOURCES ? 'src/' : import.meta.url.includes('/dist/bundle/') ? 'dist/bundle/' : 'dist/';
  return packageFile(`${tree}${path}.${FROM_SOURCES ? 'ts' : 'js'}`);
}
