import { jsonSchema } from '../config/schema.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';

/** `validate schema`: the config's JSON Schema, for editor completion (yaml-language-server). */
export async function schema(): Promise<ExitCodeValue> {
  const s = { $id: 'https://validate.dev/schema/config-v1.json', title: 'validate config', ...(jsonSchema() as object) };
  process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
  return ExitCode.GO;
}
