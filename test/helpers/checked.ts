import { createRequire } from 'node:module';
import type { Report } from '../../src/reports/model.js';
import { reportSchema } from '../../src/reports/report-schema.js';
import { execute, type ExecuteOptions } from '../../src/run/execute.js';
import type { Config } from '../../src/config/config.js';
import type { Redactor } from '../../src/util/redact.js';

/**
 * Every report a test produces is checked against the published report schema (src/reports/report-schema.ts),
 * strictly: a field added to the model but not to the schema, or the reverse, fails the test that made it.
 */
const Ajv2020 = createRequire(import.meta.url)('ajv/dist/2020').default;
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(reportSchema() as object);

export function checkReport<T>(report: T, what = 'report'): T {
  if (!validate(JSON.parse(JSON.stringify(report)))) {
    const problems = ((validate.errors ?? []) as { instancePath: string; message?: string; params?: unknown }[])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
    throw new Error(`${what} does not match the report schema: ${problems.join('; ')}`);
  }
  return report;
}

/** execute(), with its report checked against the schema. */
export async function checkedExecute(config: Config, redactor: Redactor, opts?: ExecuteOptions): Promise<Report> {
  return checkReport(await execute(config, redactor, opts), 'the report of execute()');
}
