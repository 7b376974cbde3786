import { describe, expect, it } from 'vitest';
import { probeOne } from '../../src/run/probe-one.js';
import { hangingServer } from '../helpers/hostile.js';
import { freePort } from '../helpers/ports.js';
import { target } from '../helpers/targets.js';

describe('tcp probe', () => {
  it('passes when the port accepts, with the connect time', async () => {
    const s = await hangingServer();
    const r = await probeOne(target('tcp', { url: `tcp://127.0.0.1:${s.port}` }), 2000);
    await s.close();
    expect(r.status).toBe('pass');
    expect(r.measurements.find((m) => m.metric === 'connect_ms')!.value).toBe(r.latencyMs);
  });

  it('fails a closed port with the cause', async () => {
    const port = await freePort();
    expect((await probeOne(target('tcp', { url: `tcp://127.0.0.1:${port}` }), 2000)).error).toBe(
      `connection refused: nothing is listening on 127.0.0.1:${port}`,
    );
  });

  it('a URL without a port says how to write one', async () => {
    expect((await probeOne(target('tcp', { url: 'tcp://127.0.0.1' }), 2000)).error).toBe('tcp URL needs a port, e.g. tcp://host:5672');
  });
});
