import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/exit-codes.js';
import { runCli } from '../helpers/cli.js';

/** The exit codes are a contract: `--help`, the README and docs/criteria.md say the same codes as src/exit-codes.ts. */
describe('the exit-code table, wherever it is written', () => {
  const codes = Object.values(ExitCode).map(String);
  const doc = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

  it('--help lists every code; docs/criteria.md has a row for each and no other; the README names each', async () => {
    const help = (await runCli(['--help'])).stdout;
    const line = /Exit codes: (.*)/s.exec(help)?.[1].replace(/\s+/g, ' ') ?? '';
    expect(line.match(/\b\d+(?= )/g)).toEqual(codes);
    const section = doc('docs/criteria.md').split('## Exit codes')[1].split('\n## ')[0];
    expect([...section.matchAll(/^\| (\d+) \|/gm)].map((m) => m[1])).toEqual(codes);
    const readme = doc('README.md');
    for (const code of codes) expect(readme, `README names exit code ${code}`).toMatch(new RegExp(`\\b${code}\\b`));
  });
});
