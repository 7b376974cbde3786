import type { Measurement, MetricSpec } from '../results/measurement.js';

export const ACCELERATOR_METRICS: Record<string, MetricSpec> = {
  gpus: { unit: 'count', aggregate: 'sum', label: 'accelerators', headline: true },
  gpus_unhealthy: { unit: 'count', aggregate: 'sum', label: 'unhealthy accelerators' },
  gpu_utilization_pct: { unit: 'percent', aggregate: 'max', label: 'busiest accelerator', headline: true },
  gpu_memory_used_pct: { unit: 'percent', aggregate: 'max', label: 'accelerator memory used' },
  gpu_temperature_c: { unit: 'number', aggregate: 'max', label: 'hottest accelerator (°C)', headline: true },
  // Uncorrectable (double-bit) ECC errors since the driver loaded: memory that returned wrong data.
  gpu_ecc_errors: { unit: 'count', aggregate: 'sum', label: 'uncorrectable ECC errors' },
};

/** One accelerator as its source reports it; a field it did not report (ECC on a consumer card) is undefined. */
export interface GpuReading {
  id: string;
  name: string;
  utilizationPct?: number;
  memoryUsedMiB?: number;
  memoryTotalMiB?: number;
  temperatureC?: number;
  eccErrors?: number;
  /** XID errors (DCGM): the driver's own report of a failure. */
  xidErrors?: number;
}

/** The columns asked of nvidia-smi, in order. */
export const NVIDIA_SMI_QUERY =
  'index,name,uuid,utilization.gpu,memory.used,memory.total,temperature.gpu,ecc.errors.uncorrected.volatile.total';

/** `--format=csv,noheader,nounits` lines; "[N/A]" and "[Not Supported]" read as not reported. */
export function parseNvidiaSmi(csv: string): GpuReading[] {
  const num = (v: string | undefined) => (v === undefined || /^\[|^N\/A$/i.test(v.trim()) || v.trim() === '' ? undefined : Number(v));
  return csv
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const f = line.split(',').map((x) => x.trim());
      if (f.length < 8) throw new Error(`nvidia-smi printed a line this probe cannot read: "${line.slice(0, 80)}"`);
      return {
        id: f[0],
        name: f[1],
        utilizationPct: num(f[3]),
        memoryUsedMiB: num(f[4]),
        memoryTotalMiB: num(f[5]),
        temperatureC: num(f[6]),
        eccErrors: num(f[7]),
      };
    });
}

/** Why an accelerator is not healthy, or undefined when nothing says it is not. */
export function unhealthy(g: GpuReading, maxTemperatureC: number): string | undefined {
  const why: string[] = [];
  if (g.eccErrors) why.push(`${g.eccErrors} uncorrectable ECC error(s)`);
  if (g.xidErrors) why.push(`XID error ${g.xidErrors}`);
  if (g.temperatureC !== undefined && g.temperatureC >= maxTemperatureC) why.push(`${g.temperatureC} °C (limit ${maxTemperatureC})`);
  return why.length ? `GPU ${g.id} (${g.name}): ${why.join(', ')}` : undefined;
}

export function gpuMeasurements(gpus: GpuReading[], maxTemperatureC: number): Measurement[] {
  const m: Measurement[] = [
    { metric: 'gpus', value: gpus.length, unit: 'count' },
    { metric: 'gpus_unhealthy', value: gpus.filter((g) => unhealthy(g, maxTemperatureC)).length, unit: 'count' },
  ];
  const worst = (metric: string, values: (number | undefined)[], unit: Measurement['unit'], sum = false) => {
    const v = values.filter((x): x is number => x !== undefined && Number.isFinite(x));
    if (v.length) m.push({ metric, value: sum ? v.reduce((a, b) => a + b, 0) : Math.max(...v), unit });
  };
  worst(
    'gpu_utilization_pct',
    gpus.map((g) => g.utilizationPct),
    'percent',
  );
  worst(
    'gpu_memory_used_pct',
    gpus.map((g) => (g.memoryUsedMiB !== undefined && g.memoryTotalMiB ? (g.memoryUsedMiB / g.memoryTotalMiB) * 100 : undefined)),
    'percent',
  );
  worst(
    'gpu_temperature_c',
    gpus.map((g) => g.temperatureC),
    'number',
  );
  worst(
    'gpu_ecc_errors',
    gpus.map((g) => g.eccErrors),
    'count',
    true,
  );
  return m;
}
