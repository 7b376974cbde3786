import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { note } from './say.js';

export const STARTER = new URL('../../fixtures/starter.yaml', import.meta.url);

/** `validate init [FILE]`: writes a commented starter config; never overwrites without --force. */
export async function init(file: string, flags: { force?: boolean }): Promise<ExitCodeValue> {
  if (existsSync(file) && !flags.force) throw new UsageError(`${file} already exists; choose another name or pass --force to overwrite it`);
  await writeFileAtomic(file, await readFile(STARTER, 'utf8'));
  note(`wrote ${file}: edit the targets, then run \`validate run --config ${file}\``);
  return ExitCode.GO;
}
