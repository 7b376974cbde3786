import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { BIN } from '../helpers/cli.js';

/**
 * The sharding examples, as a cluster and a runner would read them: no cluster or runner is available
 * here, so the manifests' fields are checked, and then the very commands they run are run, four shards
 * and the merge, with the variables Kubernetes and GitHub would fill in.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'validate-examples-'));
let server: Server;
let config = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  config = join(dir, 'validate.yaml');
  writeFileSync(
    config,
    `targets:\n  - { name: api, kind: http, url: "${url}/health" }\nscenarios:\n  - { name: steady, kind: rate, target: api, rate: 200, duration: 1s }\ncriteria:\n  - scenario.steady.p99_ms < 500ms\n`,
  );
});
afterAll(() => server?.close());

/**
 * A shell as a container or a runner has it, in a folder of its own, with `validate` and `npx validate`
 * being this build. Asynchronous: the target server lives in this process and must keep answering.
 */
function sh(cwd: string, script: string): Promise<{ status: number | null; stderr: string }> {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'validate'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
  writeFileSync(join(bin, 'npx'), `#!/bin/sh\nshift\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
  const child = spawn('sh', ['-c', script], {
    cwd,
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stderr })));
}

const folder = (name: string) => {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  return d;
};

const startAt = () => new Date(Date.now() + 2500).toISOString();

describe('examples/kubernetes/sharded-readiness.yaml', () => {
  const docs = parseAllDocuments(readFileSync(join(ROOT, 'examples/kubernetes/sharded-readiness.yaml'), 'utf8')).map((d) => d.toJS());
  const [shards, merge] = docs;

  it('an Indexed Job of N shards (what the cluster requires), then a merge Job', () => {
    expect(docs).toHaveLength(2);
    for (const job of docs) {
      expect(job).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: expect.any(String) } });
      expect(job.spec.template.spec.restartPolicy).toBe('Never');
      const mounts = job.spec.template.spec.containers[0].volumeMounts.map((m: { name: string }) => m.name);
      expect(job.spec.template.spec.volumes.map((v: { name: string }) => v.name).sort()).toEqual([...mounts].sort());
    }
    const n = shards.spec.completions;
    expect(shards.spec).toMatchObject({ completionMode: 'Indexed', parallelism: n });
    const c = shards.spec.template.spec.containers[0];
    expect(c.env).toContainEqual({ name: 'VALIDATE_SHARDS', value: String(n) });
    expect(c.args).toEqual(expect.arrayContaining(['run', '--start-at', '--out']));
    expect(merge.spec.template.spec.containers[0].args[0]).toMatch(/^validate merge /);
  });

  it('its shard command, run for every index as Kubernetes would, and its merge command, give one GO', async () => {
    const out = folder('k8s');
    const c = shards.spec.template.spec.containers[0];
    const n = shards.spec.completions;
    const at = startAt();
    const runs = Array.from({ length: n }, (_, index) => {
      // Kubernetes expands $(VAR) in args from the container's env; envsubst filled ${START_AT} before apply.
      const args = (c.args as string[]).map((a) =>
        a
          .replace('${START_AT}', at)
          .replace('$(JOB_COMPLETION_INDEX)', String(index))
          .replace('/config/validate.yaml', config)
          .replace('/reports/', `${out}/`),
      );
      return `JOB_COMPLETION_INDEX=${index} VALIDATE_SHARDS=${n} validate ${args.map((a) => `'${a}'`).join(' ')} &`;
    });
    const shardRun = await sh(out, `${runs.join('\n')}\nwait`);
    expect(shardRun.status, shardRun.stderr).toBe(0);
    const mergeCmd = (merge.spec.template.spec.containers[0].args[0] as string)
      .replaceAll('/reports/', `${out}/`)
      .replace('/config/validate.yaml', config);
    const merged = await sh(out, mergeCmd);
    const report = JSON.parse(readFileSync(join(out, 'readiness.json'), 'utf8'));
    // GO, or INCONCLUSIVE (exit 3) when a shard's generator was held up on this busy machine; never NO-GO.
    expect([merged.status, report.verdict], merged.stderr).toEqual(report.verdict === 'GO' ? [0, 'GO'] : [3, 'INCONCLUSIVE']);
    expect(report).toMatchObject({ mergedFrom: { shards: n, missing: [] } });
    expect(report.scenarios[0].requests).toBe(200);
  });
});

describe('examples/github/sharded-readiness.yml', () => {
  const wf = parse(readFileSync(join(ROOT, 'examples/github/sharded-readiness.yml'), 'utf8'));

  it('a matrix of shards uploading their reports, and a merge job that needs them and gates', () => {
    const shards = wf.jobs.shard.strategy.matrix.shard as number[];
    const run = wf.jobs.shard.steps.find((s: { run?: string }) => s.run?.includes('--shard')).run as string;
    expect(run).toContain(`--shard \${{ matrix.shard }}/${shards.length}`);
    expect(shards).toEqual(Array.from({ length: shards.length }, (_, i) => i + 1));
    expect(wf.jobs.shard.needs).toBe('start');
    expect(wf.jobs.merge).toMatchObject({ needs: 'shard', if: 'always()' });
    const upload = wf.jobs.shard.steps.find((s: { uses?: string }) => s.uses?.startsWith('actions/upload-artifact'));
    const download = wf.jobs.merge.steps.find((s: { uses?: string }) => s.uses?.startsWith('actions/download-artifact'));
    expect(upload.with.name).toBe('shard-${{ matrix.shard }}');
    expect(download.with).toMatchObject({ pattern: 'shard-*', 'merge-multiple': true });
  });

  it("its shard steps, with the matrix filled in, and its merge step: the merge's exit code is the gate", async () => {
    const out = folder('github');
    const shards = wf.jobs.shard.strategy.matrix.shard as number[];
    const step = wf.jobs.shard.steps.find((s: { run?: string }) => s.run?.includes('--shard')).run as string;
    const at = startAt();
    const cmds = shards.map(
      (i) =>
        `${step.replaceAll('${{ matrix.shard }}', String(i)).replace('${{ needs.start.outputs.at }}', at).replace('validate.yaml', config)} &`,
    );
    const ran = await sh(out, `${cmds.join('\n')}\nwait`);
    expect(ran.status, ran.stderr).toBe(0);
    const mergeStep = wf.jobs.merge.steps.find((s: { run?: string }) => s.run?.includes('validate merge')).run as string;
    const merged = await sh(out, mergeStep.replace('validate.yaml', config));
    const report = JSON.parse(readFileSync(join(out, 'readiness.json'), 'utf8'));
    // The gate is the merge's verdict: GO, or INCONCLUSIVE (exit 3) when a shard's generator was held up on this busy machine; never NO-GO.
    expect([merged.status, report.verdict], merged.stderr).toEqual(report.verdict === 'GO' ? [0, 'GO'] : [3, 'INCONCLUSIVE']);
    expect(report.mergedFrom.files).toEqual(shards.map((i) => `shard-${i}.json`));
  });
});
