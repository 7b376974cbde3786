import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fixedReport } from '../helpers/fixed-report.js';
import { runCli } from '../helpers/cli.js';

const require = createRequire(import.meta.url);
// ajv in strict mode, the way a CI pipeline or an editor plugin checks JSON: unknown formats, keywords or
// loose union types are compile errors, not silently ignored.
const Ajv2020 = require('ajv/dist/2020').default;
const strict = () => new Ajv2020({ strict: true, allErrors: true });

async function schemaOf(which: string): Promise<object> {
  const r = await runCli(['schema', which]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('the published JSON Schemas', () => {
  it('the config schema compiles in ajv strict mode and accepts every shipped config', async () => {
    const validate = strict().compile(await schemaOf('config'));
    for (const file of ['fixtures/trading-platform.yaml', 'fixtures/starter.yaml']) {
      const data = parse(readFileSync(file, 'utf8'));
      expect(validate(data), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('durations and URLs carry patterns: banana, a bare 10 and a URL without a scheme are refused by the schema alone', async () => {
    const validate = strict().compile(await schemaOf('config'));
    const base = { targets: [{ name: 'risk', kind: 'engine', url: 'http://risk:8200' }] };
    expect(validate({ ...base, defaults: { timeout: '10s' } })).toBe(true);
    expect(validate({ ...base, defaults: { timeout: '1h30m' } })).toBe(true);
    for (const timeout of ['banana', 10, '10', '10 parsecs']) {
      expect(validate({ ...base, defaults: { timeout } }), `timeout: ${JSON.stringify(timeout)}`).toBe(false);
    }
    expect(validate({ targets: [{ name: 'risk', kind: 'engine', url: 'risk:8200/health' }] })).toBe(false);
    expect(validate({ targets: [{ name: 'bus', kind: 'redis', url: 'http://bus:6379' }] })).toBe(false);
  });

  it('the report schema compiles strictly, names its schemaVersion, and accepts a full report; a stray field is refused', async () => {
    const schema = (await schemaOf('report')) as { properties: { schemaVersion: { const: number } } };
    expect(schema.properties.schemaVersion.const).toBe(1);
    const validate = strict().compile(schema);
    const report = JSON.parse(JSON.stringify(fixedReport()));
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    report.scenarios[0].latencyMs.p98 = 1;
    expect(validate(report)).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ instancePath: '/scenarios/0/latencyMs', keyword: 'additionalProperties' });
  });

  it('an unknown schema name is a usage error naming the ones there are', async () => {
    const r = await runCli(['schema', 'reports']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown schema "reports"; expected one of: config, report');
  });
});
