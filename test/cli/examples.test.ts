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
  const byKind = (kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name);
  const shards = byKind('Job', 'readiness-shards');
  const merge = byKind('Job', 'readiness-merge');

  it('every object is valid against the Kubernetes API schema (kubernetes-models), and everything it refers to is in the file', async () => {
    for (const d of docs) {
      const group = d.apiVersion.includes('/') ? d.apiVersion : `v1`;
      const Model = (await import(`kubernetes-models/${group}/${d.kind}`))[d.kind];
      expect(() => new Model(d).validate(), `${d.kind} ${d.metadata.name}`).not.toThrow();
    }
    // What a pod would wait on for ever if it were missing: its ConfigMap, its Secret, its ServiceAccount.
    for (const job of [shards, merge]) {
      const pod = job.spec.template.spec;
      for (const v of pod.volumes) if (v.configMap) expect(byKind('ConfigMap', v.configMap.name), v.configMap.name).toBeDefined();
      for (const v of pod.volumes) expect(v.persistentVolumeClaim, 'no claim a cluster may not be able to bind').toBeUndefined();
      for (const c of [...(pod.initContainers ?? []), ...pod.containers])
        for (const e of c.envFrom ?? []) expect(byKind('Secret', e.secretRef.name), e.secretRef.name).toBeDefined();
      if (pod.serviceAccountName) expect(byKind('ServiceAccount', pod.serviceAccountName)).toBeDefined();
    }
    const binding = docs.find((d) => d.kind === 'RoleBinding');
    expect(binding.subjects).toContainEqual({ kind: 'ServiceAccount', name: merge.spec.template.spec.serviceAccountName });
    expect(byKind('Role', binding.roleRef.name).rules).toContainEqual({ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] });
    // The config in the ConfigMap is one validate accepts.
    const cfg = join(dir, 'k8s-config.yaml');
    writeFileSync(cfg, byKind('ConfigMap', 'readiness-config').data['validate.yaml']);
    const checked = await sh(dir, `REDIS_PASSWORD=x DATABASE_URL=postgres://u:x@db:5432/t validate check '${cfg}'`);
    expect(checked.status, checked.stderr).toBe(0);
    const n = shards.spec.completions;
    expect(shards.spec).toMatchObject({ completionMode: 'Indexed', parallelism: n });
    expect(shards.spec.template.spec.containers[0].env).toContainEqual({ name: 'VALIDATE_SHARDS', value: String(n) });
  });

  it('its shards, run as Kubernetes would, print their reports to their logs; the merge collects the logs and gives one GO', async () => {
    const out = folder('k8s');
    const logs = folder('k8s-logs');
    const c = shards.spec.template.spec.containers[0];
    const n = shards.spec.completions;
    const at = startAt();
    const runs = Array.from({ length: n }, (_, index) => {
      // Kubernetes expands $(VAR) in args from the container's env; envsubst filled ${START_AT} before apply.
      const args = (c.args as string[]).map((a) => a.replace('${START_AT}', at).replace('/config/validate.yaml', config));
      return `JOB_COMPLETION_INDEX=${index} VALIDATE_SHARDS=${n} validate ${args.map((a) => `'${a}'`).join(' ')} > '${logs}/readiness-shards-${index}' &`;
    });
    const shardRun = await sh(out, `${runs.join('\n')}\nwait`);
    expect(shardRun.status, shardRun.stderr).toBe(0);
    // The collecting script, with a kubectl that answers from those logs (no cluster here: the stand-in only lists and cats).
    writeFileSync(
      join(dir, 'bin', 'kubectl'),
      `#!/bin/sh\nif [ "$1" = get ]; then ls '${logs}' | tr '\\n' ' '; else cat '${logs}'/"$2"; fi\n`,
      { mode: 0o755 },
    );
    const collect = (merge.spec.template.spec.initContainers[0].args[0] as string).replaceAll('/reports/', `${out}/`);
    const collected = await sh(out, collect);
    expect(collected.status, collected.stderr).toBe(0);
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
    expect(wf.jobs.merge).toMatchObject({ needs: ['start', 'shard'], if: "always() && needs.start.result == 'success'" });
    // deployment_status fires for pending and failed deployments too: only a successful one starts a run.
    expect(wf.on).toContain('deployment_status');
    expect(wf.jobs.start.if).toBe("github.event_name == 'workflow_dispatch' || github.event.deployment_status.state == 'success'");
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

describe('examples/kubernetes/nightly-readiness.yaml', () => {
  const docs = parseAllDocuments(readFileSync(join(ROOT, 'examples/kubernetes/nightly-readiness.yaml'), 'utf8')).map((d) => d.toJS());
  const byKind = (kind: string) => docs.find((d) => d.kind === kind);

  it('is valid against the Kubernetes API schema, and its run keeps each night in the history named by its Secret', async () => {
    for (const d of docs) {
      const group = d.apiVersion.includes('/') ? d.apiVersion : `v1`;
      const Model = (await import(`kubernetes-models/${group}/${d.kind}`))[d.kind];
      expect(() => new Model(d).validate(), `${d.kind} ${d.metadata.name}`).not.toThrow();
    }
    const pod = byKind('CronJob').spec.jobTemplate.spec.template.spec;
    expect(byKind('ConfigMap').metadata.name).toBe(pod.volumes.find((v: { configMap?: unknown }) => v.configMap).configMap.name);
    expect(byKind('Secret').metadata.name).toBe(pod.containers[0].envFrom[0].secretRef.name);
    expect(byKind('Secret').stringData.VALIDATE_HISTORY).toMatch(/^postgres:\/\//);
    // Its args, run here against this test's config, with the history in a folder and a gateway that is not there.
    const out = folder('nightly');
    const args = (pod.containers[0].args as string[]).map((a) =>
      a
        .replace('/config/validate.yaml', config)
        .replace('/reports/', `${out}/`)
        .replace('http://pushgateway.monitoring.svc:9091', 'http://127.0.0.1:9')
        // What Kubernetes does with $(VAR) in args: the container's env value (the deployed version).
        .replace('$(PLATFORM_VERSION)', '1.4.2'),
    );
    const history = join(out, 'history');
    const night = await sh(out, `VALIDATE_HISTORY='${history}' validate ${args.map((a) => `'${a}'`).join(' ')}`);
    expect([0, 3], night.stderr).toContain(night.status);
    expect(night.stderr).toContain("validate: the run's metrics were not pushed to 127.0.0.1:9 (--push): bad port");
    const listed = await sh(out, `validate history '${history}' --format json > listed.json`);
    expect(listed.status, listed.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'listed.json'), 'utf8'))[0].labels).toEqual({ env: 'prod', version: '1.4.2' });
    expect(pod.containers[0].env.find((e: { name: string }) => e.name === 'PLATFORM_VERSION').valueFrom.configMapKeyRef.name).toBe(
      'platform-release',
    );
  });
});
