import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startRedis, type Running } from '../helpers/services.js';
import { createRequire } from 'node:module';

const Ajv2020 = createRequire(import.meta.url)('ajv/dist/2020').default;

/**
 * The package as a user gets it: `npm pack`, then installed from the tarball into an empty prefix with
 * the Dockerfile's own install line (Docker has no daemon here, so its one build step is run here),
 * and the GitHub Action's steps run as a runner would run them, with the GITHUB_* environment.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'validate-package-'));
const prefix = join(dir, 'prefix');
let tarball = '';
let redisServer: Running;

function dockerInstallLine(): string {
  const lines = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').split('\n');
  const run = lines[lines.indexOf('# install-from-tarball') + 1];
  expect(run, 'the Dockerfile marks its install step with "# install-from-tarball"').toMatch(/^RUN /);
  return run.slice(4);
}

/** A shell as the runner or the image would have it, with npm's global prefix in a folder of our own. */
function sh(script: string, env: NodeJS.ProcessEnv = {}, cwd = dir) {
  return spawnSync('bash', ['-eo', 'pipefail', '-c', script], {
    cwd,
    encoding: 'utf8',
    timeout: 240_000,
    env: {
      ...process.env,
      npm_config_prefix: prefix,
      npm_config_update_notifier: 'false',
      PATH: `${prefix}/bin:${process.env.PATH}`,
      ...env,
    },
  });
}

/**
 * better-sqlite3's native module as a prebuilt, the way an install with network access gets it (GitHub's
 * release download, which this machine cannot reach): the one this checkout built, packed under the name
 * prebuild-install looks for, in a local prebuilds folder named by a `.prebuild-installrc` in this test's
 * folder (prebuild-install reads it from the install's parent folders; the prefix is inside this one).
 * Without it npm compiles SQLite from source: three minutes of the suite spent on node-gyp, not on us.
 */
function sqlitePrebuild(): void {
  const pkg = join(ROOT, 'node_modules/better-sqlite3');
  const { version } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string };
  const folder = join(dir, 'prebuilds');
  mkdirSync(folder, { recursive: true });
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  execFileSync('tar', ['-czf', join(folder, name), '-C', pkg, 'build/Release/better_sqlite3.node']);
  writeFileSync(join(dir, '.prebuild-installrc'), `local-prebuilds=${folder}\n`);
}

beforeAll(async () => {
  redisServer = await startRedis();
  // --ignore-scripts: `npm test` has just built dist/ (its pretest); pack it as it is rather than build it again.
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', dir, '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [packed] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  tarball = join(dir, packed.filename);
  writeFileSync(join(dir, 'files.json'), JSON.stringify(packed.files.map((f) => f.path)));
  sqlitePrebuild();
  // The Dockerfile's install line, with the image's /tmp being this test's folder.
  const install = sh(
    dockerInstallLine()
      .replaceAll('/tmp/', `${dir}/`)
      .replace(/ && rm .*$/, ''),
  );
  expect(install.status, install.stderr).toBe(0);
}, 300_000);

afterAll(() => redisServer?.stop());

describe('the packed package', () => {
  it('ships dist, the runnable fixtures, README and LICENSE; no sources, tests or source maps', () => {
    const files: string[] = JSON.parse(readFileSync(join(dir, 'files.json'), 'utf8'));
    expect(files).toEqual(
      expect.arrayContaining([
        'LICENSE',
        'README.md',
        'package.json',
        'bin/validate',
        'dist/main.js',
        'fixtures/demo.yaml',
        'fixtures/trading-platform.yaml',
      ]),
    );
    expect(files.filter((f) => f.endsWith('.map') || f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
  });

  it("installed from the tarball into an empty prefix (the Dockerfile's step), both bins run and probe a real Redis", () => {
    const redis = redisServer.url;
    expect(readdirSync(join(prefix, 'bin')).sort()).toEqual(['readiness-gate', 'validate']);
    const version = sh('validate --version');
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    const help = sh('readiness-gate --help');
    expect(help.stdout).toContain('Production-readiness gate');
    const probe = sh(`cd "$(mktemp -d)" && validate probe ${redis} --format json`);
    expect(probe.status, probe.stderr).toBe(0);
    expect(JSON.parse(probe.stdout)).toMatchObject({ verdict: 'GO', probes: [{ kind: 'redis', status: 'pass' }] });
    // The embedded history: better-sqlite3's native module, as installed, opens, writes and reads.
    const history = sh(
      `cd "$(mktemp -d)" && printf 'platform: p\\ntargets:\\n  - { name: r, kind: redis, url: "${redis}" }\\n' > c.yaml && validate run c.yaml --history h -q && validate history h --format json`,
    );
    expect(history.status, history.stderr).toBe(0);
    expect(JSON.parse(history.stdout)).toMatchObject([{ verdict: 'GO', platform: 'p' }]);
  });

  it("the GitHub Action's steps, run as a runner runs them: job summary, annotations on the config's lines, and the exit code passed through", () => {
    const redis = redisServer.url;
    const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
      runs: { using: string; steps: { uses?: string; shell: string; run: string; env?: Record<string, string> }[] };
      outputs: Record<string, { value: string }>;
    };
    expect(action.runs.using).toBe('composite');
    // Node is set up by the action itself (a runner image without it, or with an old one, still works); here it is this Node.
    expect(action.runs.steps[0].uses).toMatch(/^actions\/setup-node@v\d+$/);
    expect(action.outputs.verdict.value).toBe('${{ steps.gate.outputs.verdict }}');
    const workspace = join(dir, 'workspace');
    mkdirSync(join(workspace, 'ops'), { recursive: true });
    // Line 9 asks what these five cannot give: 4 of 5 up is 80%, not >= 90%.
    writeFileSync(
      join(workspace, 'ops', 'gate.yaml'),
      [
        'platform: Gate test',
        'targets:',
        ...[1, 2, 3, 4].map((i) => `  - { name: bus${i}, kind: redis, url: "${redis}" }`),
        '  - { name: gone, kind: redis, url: "redis://127.0.0.1:1", required: false }',
        'criteria:',
        '  - { name: Buses up, expect: "redis.available >= 90%" }',
      ].join('\n'),
    );
    const summary = join(dir, 'summary.md');
    const inputs: Record<string, string> = { package: tarball, config: 'ops/gate.yaml', args: '--out readiness.json' };
    const outputs = join(dir, 'github-output');
    const github = {
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: workspace,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_OUTPUT: outputs,
      RUNNER_TEMP: dir,
      // The action installs the same tarball the Dockerfile step above installed (better-sqlite3's native
      // module included, tested there); here npm skips install scripts so it is not paid twice. The gate
      // never opens the embedded history unless asked (--history), so nothing here needs the native module.
      npm_config_ignore_scripts: 'true',
    };
    let last = { status: -1 as number | null, stdout: '', stderr: '' };
    for (const step of action.runs.steps.filter((x) => !x.uses)) {
      expect(step.shell).toBe('bash');
      // The runner fills `${{ inputs.x }}` in the step's env; the script reads them as variables.
      const env = Object.fromEntries(
        Object.entries(step.env ?? {}).map(([k, v]) => [k, v.replace(/\$\{\{ inputs\.(\w+) \}\}/g, (_m, name: string) => inputs[name])]),
      );
      expect(step.run).not.toContain('${{');
      last = sh(step.run, { ...github, ...env }, workspace);
    }
    expect(last.status, last.stderr).toBe(1);
    expect(readFileSync(summary, 'utf8')).toMatch(/^# Gate test: production readiness report\n\n\*\*Verdict: ❌ NO-GO\*\*/);
    expect(last.stdout).toContain(
      '::error file=ops/gate.yaml,line=9,title=validate NO-GO%3A Buses up::redis.available >= 90%25 NOT MET (actual 80%25)',
    );
    const written = JSON.parse(readFileSync(join(workspace, 'readiness.json'), 'utf8'));
    expect(written.verdict).toBe('NO-GO');
    expect(readFileSync(outputs, 'utf8')).toBe('verdict=NO-GO\n');
    const schema = JSON.parse(sh('validate schema report').stdout);
    const validate = new Ajv2020({ strict: true }).compile(schema);
    expect(validate(written), JSON.stringify(validate.errors)).toBe(true);
  });
});
