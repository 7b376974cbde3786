import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/load.js';
import { RESTART_DOWNTIME_MS } from '../../src/demo/engine.js';
import { startDemoPlatform, type DemoPlatform } from '../../src/demo/platform.js';
import { checkedExecute } from '../helpers/checked.js';
import { Redactor } from '../../src/util/redact.js';

describe('the demo engines can really be restarted through an admin endpoint', () => {
  let platform: DemoPlatform;
  beforeAll(async () => {
    platform = await startDemoPlatform();
  });
  afterAll(() => platform.close());

  it('an http-call fault restarts one engine; its recovery is the arranged downtime; the others are unaffected', async () => {
    const e = platform.engines;
    const report = await checkedExecute(
      parseConfigText(
        `targets:
  - { name: strategy, kind: engine, url: "${e.strategy}" }
  - { name: risk, kind: engine, url: "${e.risk}" }
  - { name: features, kind: engine, url: "${e.features}", required: false }
faults:
  - { name: restart, fault: { type: http-call, url: "${e.strategy}/admin/restart" }, watch: [strategy], interval: 50ms }
`,
        'f.yaml',
        new Redactor(),
        {},
      ),
      new Redactor(),
      { chaos: true },
    );
    const f = report.faults[0];
    expect(f).toMatchObject({ status: 'pass', recovered: true, disruptionSeen: true, isolated: true, affected: [] });
    expect(f.detail).toBe(`POST ${e.strategy}/admin/restart: HTTP 202`);
    // Down for the arranged time, never less; found back long before a second downtime could pass (how
    // close to the arranged time it lands, a check interval on a quiet machine, is a figure, not a test).
    expect(f.recoveryMs!).toBeGreaterThanOrEqual(RESTART_DOWNTIME_MS);
    expect(f.recoveryMs!).toBeLessThan(2 * RESTART_DOWNTIME_MS);
  });
});
