import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { startDemoPlatform, type DemoPlatform } from '../../src/demo/platform.js';
import { Redactor } from '../../src/util/redact.js';
import { checkedExecute } from '../helpers/checked.js';

/**
 * Isolation on a busy machine. The fault restarts the demo's strategy engine through an admin endpoint of
 * the test's own, which also turns a bystander bad: it stops answering (its checks time out), or answers
 * 503. Three busy loops take the machine's two cores meanwhile. A bystander that only timed out while the
 * machine was that busy may be the machine's doing: the isolation is INCONCLUSIVE, saying so. One that
 * answered 503 failed whatever the machine did: not isolated, NO-GO. The bystander's own counts of what it
 * did during the experiment are the truth.
 */
let platform: DemoPlatform;
let admin: Server;
let bystander: Server;
let adminUrl = '';
let bystanderUrl = '';
let mode: 'ok' | 'hang' | 'fail' = 'ok';
let bad = 0;
let breakTo: 'hang' | 'fail' = 'hang';

const listen = async (s: Server) => {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(s.address() as { port: number }).port}`;
};

beforeAll(async () => {
  platform = await startDemoPlatform();
  bystander = createServer((_q, res) => {
    if (mode === 'ok') return res.end('ok');
    bad++;
    if (mode === 'fail') res.writeHead(503).end('down');
    // hang: never answered (the socket is closed when the server is)
  });
  // The fault's endpoint: restart the watched engine, and break the bystander with it.
  admin = createServer((_q, res) => {
    mode = breakTo;
    fetch(`${platform.engines.strategy}/admin/restart`, { method: 'POST' }).then(
      (r) => res.writeHead(r.status).end(),
      () => res.writeHead(502).end(),
    );
  });
  bystanderUrl = await listen(bystander);
  adminUrl = await listen(admin);
});
afterAll(async () => {
  bystander?.closeAllConnections();
  bystander?.close();
  admin?.close();
  await platform?.close();
});

/** Runs the experiment with three busy loops on the machine; the bystander is healthy again after. */
async function busyRun(to: 'hang' | 'fail') {
  mode = 'ok';
  bad = 0;
  breakTo = to;
  const yaml = `targets:
  - { name: strategy, kind: engine, url: "${platform.engines.strategy}" }
  - { name: by, kind: http, url: "${bystanderUrl}/", required: false }
faults:
  - { name: restart, fault: { type: http-call, url: "${adminUrl}/restart" }, watch: [strategy], interval: 100ms, checkTimeout: 300ms }
`;
  const loops: ChildProcess[] = [0, 1, 2].map(() => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  try {
    return await checkedExecute(parseConfigText(yaml, 'f.yaml', new Redactor(), {}), new Redactor(), { chaos: true, say: () => undefined });
  } finally {
    for (const l of loops) l.kill('SIGKILL');
    mode = 'ok';
  }
}

describe('a bystander fails during a fault on a busy machine', () => {
  it('it only timed out: isolation cannot be told, INCONCLUSIVE with the machine load, never NO-GO', async () => {
    const report = await busyRun('hang');
    expect(bad).toBeGreaterThan(0);
    const f = report.faults[0];
    expect(f).toMatchObject({ status: 'inconclusive', tookEffect: true, affected: ['by'] });
    expect(f.error).toMatch(
      /^could not tell whether it is isolated: by timed out during the experiment while this machine was busy \(load [\d.]+ on \d+ cores(, CPU pressure \d+%)?\)/,
    );
    const pass = report.criteria.find((c) => c.key === 'faults-pass')!;
    expect(pass.outcome).toBe('INCONCLUSIVE');
    expect(report.verdict).toBe('INCONCLUSIVE');
  }, 30_000);

  it('it answered 503: not isolated, whatever the machine did: NO-GO', async () => {
    const report = await busyRun('fail');
    expect(bad).toBeGreaterThan(0);
    const f = report.faults[0];
    expect(f).toMatchObject({ status: 'fail', tookEffect: true, isolated: false, affected: ['by'] });
    expect(f.error).toBe('not isolated: by also failed during the experiment');
    expect(report.criteria.find((c) => c.key === 'faults-pass')!.outcome).toBe('NOT MET');
    expect(report.verdict).toBe('NO-GO');
  }, 30_000);
});
