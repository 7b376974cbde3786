import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { freePort, waitFor } from '../helpers/ports.js';
import { requireBinary, startNginx, startPrometheus, type Running } from '../helpers/services.js';

/**
 * `validate run --push`: the run's metrics in a real Prometheus Pushgateway (the Debian package), scraped
 * by a real Prometheus, as a nightly batch job's are; and a gateway that is down costs one line.
 */
const dir = mkdtempSync(join(tmpdir(), 'validate-push-'));
let gateway: ChildProcess;
let gatewayUrl = '';
let prom: Running;
let server: Server;
let config = '';

beforeAll(async () => {
  const bin = requireBinary('prometheus-pushgateway', 'prometheus-pushgateway');
  const port = await freePort();
  gateway = spawn(bin, [`--web.listen-address=127.0.0.1:${port}`, '--log.level=error'], { stdio: 'ignore' });
  gatewayUrl = `http://127.0.0.1:${port}`;
  await waitFor('the pushgateway', async () => (await fetch(`${gatewayUrl}/-/ready`).catch(() => undefined))?.ok === true);
  prom = await startPrometheus({ scrape: [{ job: 'pushgateway', target: `127.0.0.1:${port}` }] });
  server = createServer((_q, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  config = join(dir, 'v.yaml');
  writeFileSync(
    config,
    `platform: Trading platform\ntargets:\n  - { name: web, kind: http, url: "http://127.0.0.1:${(server.address() as { port: number }).port}/" }\nscenarios:\n  - { name: steady, kind: rate, target: web, rate: 50, duration: 1s }\n`,
  );
}, 60_000);
afterAll(async () => {
  gateway?.kill('SIGKILL');
  server?.close();
  await prom?.stop();
});

describe('validate run --push', () => {
  it('the verdict and every metric land in the Pushgateway, grouped by platform and label, and Prometheus scrapes them', async () => {
    const r = await runCli(['run', config, '--push', gatewayUrl, '--label', 'env=staging']);
    expect([0, 3], r.stderr).toContain(r.code); // GO, or INCONCLUSIVE when a busy machine held the generator up
    expect(r.stderr).toContain(`pushed the run's metrics to ${gatewayUrl}/metrics/job/validate/platform/Trading%20platform/env/staging`);
    const exposed = await (await fetch(`${gatewayUrl}/metrics`)).text();
    const go = r.code === 0 ? 1 : 0;
    expect(exposed).toMatch(
      new RegExp(`^validate_verdict_go\\{env="staging",instance="",job="validate",platform="Trading platform"\\} ${go}$`, 'm'),
    );
    // Prometheus's own view, after a scrape of the gateway (job becomes exported_job: the gateway is scraped without honor_labels).
    let value: string | undefined;
    await waitFor('prometheus to scrape the pushed verdict', async () => {
      const body = await (
        await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent('validate_verdict_go{platform="Trading platform"}')}`)
      ).json();
      value = body.data.result[0]?.value?.[1];
      return value !== undefined;
    });
    expect(value).toBe(String(go));
    // Every panel of the shipped Grafana dashboard reads something from what was pushed (no fault ran: its panel has none to read).
    const dashboard = JSON.parse(readFileSync(join(process.cwd(), 'examples/grafana/validate-dashboard.json'), 'utf8'));
    const exprs: [string, string][] = dashboard.panels.flatMap((p: { title: string; targets: { expr: string }[] }) =>
      p.targets.map((t) => [p.title, t.expr.replaceAll('$platform', 'Trading platform').replaceAll('$criterion', '.+')]),
    );
    for (const [title, expr] of exprs) {
      const body = await (await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(expr)}`)).json();
      expect(body.status, `${title}: ${expr}`).toBe('success');
      if (!title.startsWith('Fault recovery')) expect(body.data.result.length, `${title}: ${expr}`).toBeGreaterThan(0);
    }
  });

  it('a gateway that is down: one line, the reports and the exit code untouched; a bad URL is refused before the run', async () => {
    const port = await freePort();
    const r = await runCli(['run', config, '--push', `http://127.0.0.1:${port}`, '-q']);
    expect([0, 3]).toContain(r.code);
    expect(r.stderr).toBe(
      `validate: the run's metrics were not pushed to 127.0.0.1:${port} (--push): connection refused: nothing is listening on 127.0.0.1:${port}\n`,
    );
    const bad = await runCli(['run', config, '--push', 'pushgateway:9091']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('validate: --push pushgateway:9091: expected an http:// or https:// URL\n');
  });

  it("a gateway behind basic auth (nginx in front of it): the URL's credentials are sent as a header and never printed; wrong ones cost one line", async () => {
    const password = 'S3cr/t:pw';
    // nginx's workers drop root: its password file must be readable to them, outside the test's private folder.
    const open = mkdtempSync(join(tmpdir(), 'validate-htpasswd-'));
    chmodSync(open, 0o755);
    const htpasswd = join(open, 'htpasswd');
    const hash = execFileSync('openssl', ['passwd', '-apr1', password], { encoding: 'utf8' }).trim();
    writeFileSync(htpasswd, `ops:${hash}\n`, { mode: 0o644 });
    const guard = await startNginx(`location / { auth_basic "gateway"; auth_basic_user_file ${htpasswd}; proxy_pass ${gatewayUrl}; }`);
    try {
      const withAuth = `http://ops:${encodeURIComponent(password)}@127.0.0.1:${guard.port}`;
      const r = await runCli(['run', config, '--push', withAuth, '--label', 'run=authed']);
      expect([0, 3], r.stderr).toContain(r.code);
      // The gateway's own view: the group this run pushed, through the proxy that demanded the password.
      const groups = (await (await fetch(`${gatewayUrl}/api/v1/metrics`)).json()) as { data: { labels: Record<string, string> }[] };
      expect(
        groups.data.some((g) => g.labels.run === 'authed' && g.labels.platform === 'Trading platform'),
        `${r.stderr}\n${JSON.stringify(groups.data.map((g) => g.labels))}`,
      ).toBe(true);
      const wrong = await runCli(['run', config, '--push', withAuth.replace('S3cr', 'X'), '-q']);
      expect(wrong.stderr).toBe(
        `validate: the run's metrics were not pushed to 127.0.0.1:${guard.port} (--push): HTTP 401: the gateway refused the credentials: check the user and password in the --push URL (or --push-header)\n`,
      );
      for (const out of [r.stdout + r.stderr, wrong.stdout + wrong.stderr]) {
        expect(out).not.toContain(password);
        expect(out).not.toContain(encodeURIComponent(password));
      }
    } finally {
      await guard.stop();
    }
  });

  it('a gateway behind a token (--push-header): sent, and never printed; without it, one line', async () => {
    const token = 'tok-7c1e0f55b2';
    const guard = await startNginx(
      `location / { if ($http_authorization != "Bearer ${token}") { return 401; } proxy_pass ${gatewayUrl}; }`,
    );
    try {
      const at = `http://127.0.0.1:${guard.port}`;
      const r = await runCli(['run', config, '--push', at, '--push-header', `Authorization: Bearer ${token}`, '--label', 'run=token']);
      const groups = (await (await fetch(`${gatewayUrl}/api/v1/metrics`)).json()) as { data: { labels: Record<string, string> }[] };
      expect(
        groups.data.some((g) => g.labels.run === 'token'),
        r.stderr,
      ).toBe(true);
      expect(r.stdout + r.stderr).not.toContain(token);
      const without = await runCli(['run', config, '--push', at, '-q']);
      expect(without.stderr).toContain('(--push): HTTP 401: the gateway refused the credentials');
    } finally {
      await guard.stop();
    }
  });
});
