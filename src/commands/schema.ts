import { jsonSchema } from '../config/schema.js';
import { UsageError } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { reportSchema } from '../reports/report-schema.js';

/** The config's JSON Schema, as `validate schema` prints it and `validate init` writes it. */
export const configJsonSchema = () => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://validate.dev/schema/config-v1.json',
  title: 'validate config',
  ...(jsonSchema() as object),
});

const SCHEMAS = { config: configJsonSchema, report: reportSchema };

/**
 * `validate schema [config|report]`: the config's JSON Schema, for editor completion
 * (yaml-language-server), or the JSON report's, for tools that read reports.
 */
export async function schema(which: string): Promise<ExitCodeValue> {
  const make = SCHEMAS[which as keyof typeof SCHEMAS];
  if (!make) throw new UsageError(`unknown schema "${which}"; expected one of: ${Object.keys(SCHEMAS).join(', ')}`);
  process.stdout.write(`${JSON.stringify(make(), null, 2)}\n`);
  return ExitCode.GO;
}
