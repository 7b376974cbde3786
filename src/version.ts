import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The package version, read once from package.json (one level up from both src/ and dist/). */
export function toolVersion(): string {
  cached ??= String(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
  return cached;
}
