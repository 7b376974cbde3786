import { createRequire } from 'node:module';
import type { Report } from './model.js';
import { reportSchema } from './report-schema.js';
import { UsageError } from '../errors.js';

/**
 * With VALIDATE_CHECK_REPORTS=1 (the test suite sets it), every report is checked against the published
 * report schema before it is written, and a mismatch is an internal error: a field added to the model
 * but not to the schema (or the reverse) fails the tests that produce it. ajv is a development
 * dependency, loaded only then.
 */
export function checkReportShape(report: Report, env: NodeJS.ProcessEnv = process.env): void {
  if (env.VALIDATE_CHECK_REPORTS !== '1') return;
  const require = createRequire(import.meta.url);
  let Ajv2020;
  try {
    Ajv2020 = require('ajv/dist/2020').default;
  } catch {
    throw new UsageError('VALIDATE_CHECK_REPORTS=1 checks reports with ajv, a development dependency not installed here; unset it, or run from a clone after npm install');
  }
  const validate = new Ajv2020({ strict: true, allErrors: true }).compile(reportSchema());
  if (validate(JSON.parse(JSON.stringify(report)))) return;
  const problems = (validate.errors ?? []).slice(0, 5).map((e: { instancePath: string; message?: string; params?: unknown }) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  throw new Error(`the report does not match its schema (src/reports/report-schema.ts): ${problems.join('; ')}`);
}
