import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNvidiaSmi, unhealthy } from '../../src/probes/accelerator-readings.js';
import type { ProbeResult } from '../../src/results/result.js';
import { probeOne } from '../../src/run/probe-one.js';
import { waitFor } from '../helpers/ports.js';
import { startPrometheus, type Running } from '../helpers/services.js';
import { target } from '../helpers/targets.js';

/**
 * No machine here has an NVIDIA GPU, so nvidia-smi is a stand-in program that prints a recorded output
 * (fixtures/nvidia-smi/), hangs, fails as a driverless nvidia-smi does, or is missing; dcgm-exporter is a
 * real HTTP server exposing its series, scraped by a real Prometheus.
 */
const value = (r: ProbeResult, metric: string) => r.measurements.find((m) => m.metric === metric)?.value;
const dir = mkdtempSync(join(tmpdir(), 'validate-gpu-'));
const program = (name: string, body: string) => {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
};
const recorded = (file: string) => program(file, `cat '${join(process.cwd(), 'fixtures/nvidia-smi', file)}'`);
const probe = (command: string, fields: Record<string, unknown> = {}, timeout = 2000) =>
  probeOne(target('accelerator', { url: 'nvidia-smi://local', command, ...fields }), timeout);

describe('accelerator probe through nvidia-smi (recorded outputs)', () => {
  it('two healthy A100s: counted, busiest, fullest and hottest as the recorded lines say', async () => {
    const r = await probe(recorded('dgx-a100-healthy.csv'), { min: 2 });
    expect(r.status).toBe('pass');
    expect(value(r, 'gpus')).toBe(2);
    expect(value(r, 'gpus_unhealthy')).toBe(0);
    expect(value(r, 'gpu_utilization_pct')).toBe(91);
    expect(value(r, 'gpu_memory_used_pct')).toBeCloseTo((31877 / 40960) * 100, 6);
    expect(value(r, 'gpu_temperature_c')).toBe(67);
    expect(value(r, 'gpu_ecc_errors')).toBe(0);
    expect(r.details.models).toBe('NVIDIA A100-SXM4-40GB');
  });

  it('uncorrectable ECC errors and a GPU over its temperature limit fail, each named', async () => {
    const r = await probe(recorded('one-bad-gpu.csv'));
    expect(r.status).toBe('fail');
    expect(r.error).toBe('GPU 0 (NVIDIA A100-SXM4-40GB): 3 uncorrectable ECC error(s); GPU 1 (NVIDIA A100-SXM4-40GB): 91 °C (limit 85)');
    expect(value(r, 'gpus_unhealthy')).toBe(2);
    expect(value(r, 'gpu_ecc_errors')).toBe(3);
  });

  it('a card without ECC ([N/A]) is not counted as having errors; too few GPUs fail', async () => {
    const r = await probe(recorded('consumer-card.csv'), { min: 2 });
    expect(value(r, 'gpu_ecc_errors')).toBeUndefined();
    expect(r.error).toBe('found 1 accelerator(s), need at least 2');
  });

  it('every error token nvidia-smi prints is the state it reports: five failing GPUs, each named with its token; [Not Supported] where it is normal is healthy', async () => {
    const r = await probe(recorded('erroring-gpus.csv'));
    expect(r.status).toBe('fail');
    expect(value(r, 'gpus')).toBe(5);
    expect(value(r, 'gpus_unhealthy')).toBe(5);
    expect(r.error).toContain('GPU 0 (NVIDIA A100-SXM4-80GB): nvidia-smi reports [Unknown Error]');
    expect(r.error).toContain('GPU 1 (NVIDIA A100-SXM4-80GB): nvidia-smi reports [GPU requires reset]');
    expect(r.error).toContain('GPU 2 (NVIDIA A100-SXM4-80GB): nvidia-smi reports ERR!');
    expect(r.error).toMatch(/; and 2 more$/);
    const [, , , unsupported, lost] = parseNvidiaSmi(readFileSync('fixtures/nvidia-smi/erroring-gpus.csv', 'utf8'));
    expect(unhealthy(unsupported, 85)).toBe(
      'GPU 3 (NVIDIA A100-SXM4-80GB): nvidia-smi reports memory.used [Not Supported], memory.total [Not Supported], temperature.gpu [Not Supported]',
    );
    expect(unhealthy(lost, 85)).toBe(
      'GPU 0000:C1:00.0 (unreadable): nvidia-smi reports GPU is lost. Reboot the system to recover this GPU',
    );
    // An error token is no reading: nothing of it leaks into the numbers as a zero.
    expect(value(r, 'gpu_utilization_pct')).toBe(0);
    const older = await probe(recorded('not-supported-ok.csv'));
    expect(older.status).toBe('pass');
    expect(value(older, 'gpus_unhealthy')).toBe(0);
    expect(value(older, 'gpu_utilization_pct')).toBeUndefined();
  });

  it('nvidia-smi missing, failing without a driver, hanging, or printing nonsense: one line each, within the timeout', async () => {
    const missing = await probe(join(dir, 'no-such-nvidia-smi'));
    expect(missing.error).toMatch(/no-such-nvidia-smi is not installed on this machine \(no NVIDIA driver\?\)/);
    const driverless = await probe(
      program(
        'driverless',
        'echo "NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running."; exit 9',
      ),
    );
    expect(driverless.error).toMatch(
      /driverless failed \(exit 9\): NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver/,
    );
    const t0 = performance.now();
    const hung = await probe(program('hung', 'sleep 30'), {}, 600);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(hung.status).toBe('fail');
    expect(hung.error).toMatch(/hung did not answer within \d+ ms and was killed|timed out/);
    const odd = await probe(program('odd', 'echo "Usage: nvidia-smi [OPTION]"'));
    expect(odd.error).toBe('nvidia-smi printed a line this probe cannot read: "Usage: nvidia-smi [OPTION]"');
  });
});

describe('accelerator probe through dcgm-exporter metrics on a real Prometheus', () => {
  let exporter: Server;
  let prom: Running;
  const series = [
    'DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-a",modelName="NVIDIA H100",Hostname="gpu-node-1"} 73',
    'DCGM_FI_DEV_GPU_UTIL{gpu="1",UUID="GPU-b",modelName="NVIDIA H100",Hostname="gpu-node-1"} 12',
    'DCGM_FI_DEV_FB_USED{gpu="0",UUID="GPU-a",modelName="NVIDIA H100",Hostname="gpu-node-1"} 60000',
    'DCGM_FI_DEV_FB_FREE{gpu="0",UUID="GPU-a",modelName="NVIDIA H100",Hostname="gpu-node-1"} 20000',
    'DCGM_FI_DEV_GPU_TEMP{gpu="0",UUID="GPU-a",modelName="NVIDIA H100",Hostname="gpu-node-1"} 58',
    'DCGM_FI_DEV_GPU_TEMP{gpu="1",UUID="GPU-b",modelName="NVIDIA H100",Hostname="gpu-node-1"} 61',
    'DCGM_FI_DEV_XID_ERRORS{gpu="1",UUID="GPU-b",modelName="NVIDIA H100",Hostname="gpu-node-1"} 79',
  ];
  beforeAll(async () => {
    exporter = createServer((_q, res) => res.end(`${series.join('\n')}\n`));
    await new Promise<void>((r) => exporter.listen(0, '127.0.0.1', () => r()));
    prom = await startPrometheus({ scrape: [{ job: 'dcgm', target: `127.0.0.1:${(exporter.address() as { port: number }).port}` }] });
    await waitFor('the DCGM series scraped', async () => {
      const body = await (await fetch(`${prom.url}/api/v1/query?query=DCGM_FI_DEV_XID_ERRORS`)).json();
      return body.data.result.length === 1;
    });
  });
  afterAll(async () => {
    exporter?.close();
    await prom?.stop();
  });

  it('reads each GPU; the one with an XID error fails the target, as the exported series say', async () => {
    const r = await probeOne(target('accelerator', { url: prom.url, min: 2 }), 3000);
    expect(value(r, 'gpus')).toBe(2);
    expect(value(r, 'gpu_utilization_pct')).toBe(73);
    expect(value(r, 'gpu_memory_used_pct')).toBe(75);
    expect(value(r, 'gpu_temperature_c')).toBe(61);
    expect(r.status).toBe('fail');
    expect(r.error).toBe('GPU gpu-node-1/1 (NVIDIA H100): XID error 79');
  });

  it('a selector that matches no GPU measured nothing: a failure that says where it looked, never a pass', async () => {
    const r = await probeOne(target('accelerator', { url: prom.url, selector: '{Hostname="gpu-node-9"}' }), 3000);
    expect(r.status).toBe('fail');
    expect(value(r, 'gpus')).toBe(0);
    expect(r.error).toBe(
      'found 0 accelerator(s) in DCGM_FI_DEV_GPU_UTIL{Hostname="gpu-node-9"}, need at least 1 (is dcgm-exporter scraped by this Prometheus?)',
    );
  });
});
