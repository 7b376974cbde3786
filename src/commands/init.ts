import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { configJsonSchema } from './schema.js';
import { note } from '../util/say.js';
import { packageFile } from '../paths.js';

export const STARTER = packageFile('fixtures/starter.yaml');

/**
 * `validate init [FILE]`: writes a commented starter config (from the user's own targets with
 * --from-probe), and the JSON Schema its first line points editors at; never overwrites without --force.
 */
export async function init(file: string, flags: { force?: boolean; fromProbe?: string[] }, signal: AbortSignal): Promise<ExitCodeValue> {
  if (existsSync(file) && !flags.force) throw new UsageError(`${file} already exists; choose another name or pass --force to overwrite it`);
  const fromProbe = flags.fromProbe?.length ? await probedStarter(flags.fromProbe, signal) : undefined;
  await writeFileAtomic(file, fromProbe?.text ?? (await readFile(STARTER, 'utf8')));
  const schemaFile = join(dirname(file), 'validate.schema.json');
  if (!existsSync(schemaFile) || flags.force) await writeFileAtomic(schemaFile, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  const secrets = fromProbe?.env.length ? ` (set ${fromProbe.env.join(', ')} in the environment: passwords are never written)` : '';
  note(`wrote ${file} and ${schemaFile}${secrets}: edit the targets, then run \`validate run ${file}\``);
  return ExitCode.GO;
}

/** The targets the URLs name, probed once, written as a starter. */
async function probedStarter(urls: string[], signal: AbortSignal): Promise<{ text: string; env: string[] }> {
  const [{ probeTargets }, { starterFromProbe }] = await Promise.all([import('./probe.js'), import('../config/starter-from-probe.js')]);
  const { targets, report } = await probeTargets(urls, {}, signal);
  return starterFromProbe(targets, report.probes, report.startedAt);
}
