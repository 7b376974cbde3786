import { existsSync, readdirSync, statSync } from 'node:fs';

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

/**
 * Run from the sources, the bundle's build of an entry file when it was made after every source file
 * changed (`npm test` builds it first): a worker then starts in ~0.1 s instead of compiling the sources
 * through tsx for ~0.5 s. Undefined when the bundle is missing or older than a source: the sources then.
 */
export function currentBundleEntry(path: string): URL | undefined {
  const built = packageFile(`dist/bundle/${path}.js`);
  if (!existsSync(built)) return undefined;
  return statSync(built).mtimeMs >= newestSource() ? built : undefined;
}

let newest: number | undefined;

/** When a file under src/ last changed (once per process: the sources do not change under a running test). */
function newestSource(): number {
  if (newest === undefined) {
    newest = 0;
    for (const f of readdirSync(packageFile('src/'), { recursive: true, withFileTypes: true }))
      if (f.isFile()) newest = Math.max(newest, statSync(`${f.parentPath}/${f.name}`).mtimeMs);
  }
  return newest;
}
