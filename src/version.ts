import { readFile } from 'node:fs/promises';

let cached: string | undefined;

/** The package version, read once from package.json (two levels up from both src/ and dist/). */
export async function toolVersion(): Promise<string> {
  if (!cached) {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    cached = String(pkg.version);
  }
  return cached;
}
