import { z } from 'zod';
import { targetBase } from '../fields/fields.js';
import { classifyError, endpointOf } from '../protocols/network-errors.js';
import { arrayField, labelsOf, NotPrometheusError, prometheusApi } from '../protocols/prometheus-api.js';
import { runCapture } from '../util/shell.js';
import {
  ACCELERATOR_METRICS,
  gpuMeasurements,
  NVIDIA_SMI_QUERY,
  parseNvidiaSmi,
  unhealthy,
  type GpuReading,
} from './accelerator-readings.js';
import { defineProbe, type ProbeContext, type ProbeOutcome } from './types.js';

const schema = z.strictObject({
  kind: z.literal('accelerator'),
  ...targetBase(['nvidia-smi', 'http', 'https']),
  command: z
    .string()
    .min(1)
    .default('nvidia-smi')
    .meta({ description: 'nvidia-smi://: the nvidia-smi program (a path, or a name on the PATH)' }),
  min: z.number().int().min(0).default(1).meta({ description: 'How many accelerators must be present' }),
  maxTemperature: z.number().positive().default(85).meta({ description: 'An accelerator at or above this temperature (°C) is unhealthy' }),
  selector: z
    .string()
    .regex(/^(\{.*\})?$/, 'expected a PromQL label selector such as {Hostname="gpu-node-1"}')
    .default('')
    .meta({ description: 'http(s):// (a Prometheus with dcgm-exporter metrics): which GPUs, e.g. {Hostname="gpu-node-1"}' }),
  headers: z.record(z.string(), z.string()).default({}),
  tlsVerify: z.boolean().default(true),
});
export type AcceleratorTarget = z.output<typeof schema>;

class ReadingError extends Error {}

/** nvidia-smi on this machine: one line per GPU, or the reason it printed none. */
async function fromNvidiaSmi(t: AcceleratorTarget, ctx: ProbeContext): Promise<GpuReading[]> {
  ctx.stage(`waiting for ${t.command}`);
  const budget = Math.max(100, ctx.timeoutMs - 100);
  const r = await runCapture(t.command, [`--query-gpu=${NVIDIA_SMI_QUERY}`, '--format=csv,noheader,nounits'], budget);
  if (r.missing)
    throw new ReadingError(
      `${t.command} is not installed on this machine (no NVIDIA driver?): nvidia-smi:// reads the GPUs of the machine validate runs on`,
    );
  if (r.timedOut) throw new ReadingError(`${t.command} did not answer within ${budget} ms and was killed (a hung driver does this)`);
  if (r.code !== 0) {
    const said = (r.stderr || r.stdout).trim().split('\n').at(-1) ?? '';
    throw new ReadingError(`${t.command} failed (exit ${r.code ?? r.signal})${said ? `: ${said.slice(0, 200)}` : ''}`);
  }
  return parseNvidiaSmi(r.stdout);
}

/** dcgm-exporter's series through Prometheus, one reading per (host, gpu). */
async function fromDcgm(t: AcceleratorTarget, ctx: ProbeContext): Promise<GpuReading[]> {
  const api = prometheusApi({
    url: t.url,
    headers: t.headers,
    timeoutMs: ctx.timeoutMs,
    tlsVerify: t.tlsVerify,
    signal: ctx.signal,
    stage: ctx.stage,
  });
  const series = async (metric: string) => {
    const data = await api.data(`/api/v1/query?query=${encodeURIComponent(metric + t.selector)}`);
    return arrayField<{ metric?: unknown; value?: [number, string] }>(data, 'result', '/api/v1/query').map((s) => ({
      labels: labelsOf(s.metric),
      value: Number(s.value?.[1]),
    }));
  };
  const gpus = new Map<string, GpuReading>();
  const key = (l: Record<string, string>) => `${l.Hostname ?? l.instance ?? ''}/${l.gpu ?? l.UUID ?? ''}`;
  for (const s of await series('DCGM_FI_DEV_GPU_UTIL')) {
    const l = s.labels;
    gpus.set(key(l), { id: l.Hostname ? `${l.Hostname}/${l.gpu}` : (l.gpu ?? '?'), name: l.modelName ?? 'GPU', utilizationPct: s.value });
  }
  const fill = async (metric: string, set: (g: GpuReading, v: number) => void) => {
    for (const s of await series(metric)) {
      const g = gpus.get(key(s.labels));
      if (g && Number.isFinite(s.value)) set(g, s.value);
    }
  };
  await fill('DCGM_FI_DEV_FB_USED', (g, v) => (g.memoryUsedMiB = v));
  await fill('DCGM_FI_DEV_FB_FREE', (g, v) => (g.memoryTotalMiB = v + (g.memoryUsedMiB ?? 0)));
  await fill('DCGM_FI_DEV_GPU_TEMP', (g, v) => (g.temperatureC = v));
  await fill('DCGM_FI_DEV_ECC_DBE_VOL_TOTAL', (g, v) => (g.eccErrors = v));
  await fill('DCGM_FI_DEV_XID_ERRORS', (g, v) => (g.xidErrors = v));
  return [...gpus.values()];
}

/**
 * Hardware acceleration: the GPUs present, healthy (no uncorrectable ECC or XID errors, under the
 * temperature limit), how busy and how full. From `nvidia-smi` on this machine (nvidia-smi://local), or
 * from dcgm-exporter's metrics through a Prometheus (its http(s) URL). Too few GPUs, or one unhealthy, fails.
 */
async function run(t: AcceleratorTarget, ctx: ProbeContext): Promise<ProbeOutcome> {
  const local = t.url.startsWith('nvidia-smi:');
  const t0 = performance.now();
  let gpus: GpuReading[];
  try {
    gpus = local ? await fromNvidiaSmi(t, ctx) : await fromDcgm(t, ctx);
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    const error =
      err instanceof ReadingError || err instanceof NotPrometheusError || (err instanceof Error && /nvidia-smi printed/.test(err.message))
        ? err.message
        : classifyError(err, endpointOf(t.url, 9090));
    return { status: 'fail', latencyMs: null, error, details: {}, measurements: [] };
  }
  const measurements = gpuMeasurements(gpus, t.maxTemperature);
  const problems = gpus.map((g) => unhealthy(g, t.maxTemperature)).filter((p): p is string => p !== undefined);
  if (gpus.length < t.min)
    problems.unshift(
      local
        ? `found ${gpus.length} accelerator(s), need at least ${t.min}`
        : `found ${gpus.length} accelerator(s) in DCGM_FI_DEV_GPU_UTIL${t.selector}, need at least ${t.min} (is dcgm-exporter scraped by this Prometheus?)`,
    );
  const names = [...new Set(gpus.map((g) => g.name))];
  return {
    status: problems.length ? 'fail' : 'pass',
    latencyMs: performance.now() - t0,
    ...(problems.length && {
      error: [...problems.slice(0, 3), ...(problems.length > 3 ? [`and ${problems.length - 3} more`] : [])].join('; '),
    }),
    details: { models: names.join(', ') || null, source: local ? 'nvidia-smi' : 'dcgm-exporter via Prometheus' },
    measurements,
  };
}

export const acceleratorProbe = defineProbe<AcceleratorTarget>({
  kind: 'accelerator',
  aliases: ['gpu', 'gpus'],
  schemes: ['nvidia-smi'],
  section: { title: 'Hardware acceleration', order: 4 },
  summary: 'GPUs: present, healthy (ECC, XID, temperature), utilisation and memory; from nvidia-smi here or dcgm-exporter via Prometheus',
  schema,
  metrics: ACCELERATOR_METRICS,
  promql: (_t, metric) =>
    ({
      gpus: 'count(DCGM_FI_DEV_GPU_UTIL)',
      gpu_utilization_pct: 'max(DCGM_FI_DEV_GPU_UTIL)',
      gpu_temperature_c: 'max(DCGM_FI_DEV_GPU_TEMP)',
      gpu_ecc_errors: 'sum(DCGM_FI_DEV_ECC_DBE_VOL_TOTAL)',
      gpus_unhealthy: 'count(DCGM_FI_DEV_XID_ERRORS > 0 or DCGM_FI_DEV_ECC_DBE_VOL_TOTAL > 0) or vector(0)',
    })[metric],
  run,
});
