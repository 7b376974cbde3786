import { readFileSync } from 'node:fs';
import { packageFile } from './paths.js';

let cached: string | undefined;

/** The package version, read once from package.json. */
export function toolVersion(): string {
  cached ??= String(JSON.parse(readFileSync(packageFile('package.json'), 'utf8')).version);
  return cached;
}
