import type { Measurement, MetricSpec } from '../results/measurement.js';

export const ACCELERATOR_METRICS: Record<string, MetricSpec> = {
  gpus: {
    unit: 'count',
    aggregate: 'sum',
    label: 'accelerators',
    headline: true,
    evidence: { requirement: 'acceleration', words: 'accelerators', worst: 'min' },
  },
  gpus_unhealthy: {
    unit: 'count',
    aggregate: 'sum',
    label: 'unhealthy accelerators',
    evidence: { requirement: 'acceleration', words: 'unhealthy', worst: 'max' },
  },
  gpu_utilization_pct: {
    unit: 'percent',
    aggregate: 'max',
    label: 'busiest accelerator',
    headline: true,
    evidence: { requirement: 'acceleration', words: 'busiest', worst: 'max', unit: '%' },
  },
  gpu_memory_used_pct: { unit: 'percent', aggregate: 'max', label: 'accelerator memory used' },
  gpu_temperature_c: {
    unit: 'number',
    aggregate: 'max',
    label: 'hottest accelerator (°C)',
    headline: true,
    evidence: { requirement: 'acceleration', words: 'hottest (°C)', worst: 'max' },
  },
  // Uncorrectable (double-bit) ECC errors since the driver loaded: memory that returned wrong data.
  gpu_ecc_errors: {
    unit: 'count',
    aggregate: 'sum',
    label: 'uncorrectable ECC errors',
    evidence: { requirement: 'acceleration', words: 'ECC errors', worst: 'max' },
  },
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
  /** What nvidia-smi printed instead of a value (`[Unknown Error]`, `[GPU requires reset]`, `ERR!`): the GPU's error state. */
  errors?: string[];
}

/** The columns asked of nvidia-smi, in order. */
export const NVIDIA_SMI_QUERY =
  'index,name,uuid,utilization.gpu,memory.used,memory.total,temperature.gpu,ecc.errors.uncorrected.volatile.total';

/** Values nvidia-smi prints for a field a device does not have (ECC on a consumer card): not reported, not an error. */
const NOT_REPORTED = /^(\[N\/A\]|N\/A|)$/i;
/** Fields every working GPU reports: `[Not Supported]` there means the device cannot answer, an error state. */
const REQUIRED = new Set(['memory.used', 'memory.total', 'temperature.gpu']);
const FIELDS = NVIDIA_SMI_QUERY.split(',');
/**
 * nvidia-smi's own words for a device it cannot read (`Unable to determine the device handle for GPU
 * 0000:3B:00.0: GPU is lost`): the GPU is there and failing, so it counts as one, unhealthy.
 */
const HANDLE_LOST = /^Unable to determine the device handle for (?:GPU )?([0-9A-Fa-f:.]+): (.+)$/;

/**
 * `--format=csv,noheader,nounits` lines. `[N/A]` reads as not reported; every other bracketed token
 * (`[Unknown Error]`, `[GPU requires reset]`, `[GPU is lost]`, `[Not Supported]` on a field every GPU
 * has) and `ERR!` are the state nvidia-smi reports for that GPU: an error, kept in `errors`.
 */
export function parseNvidiaSmi(csv: string): GpuReading[] {
  return csv
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const lost = HANDLE_LOST.exec(line);
      if (lost) return { id: lost[1], name: 'unreadable', errors: [lost[2].trim()] };
      const f = line.split(',').map((x) => x.trim());
      if (f.length < 8) throw new Error(`nvidia-smi printed a line this probe cannot read: "${line.slice(0, 80)}"`);
      const errors = new Set<string>();
      const num = (i: number): number | undefined => {
        const v = f[i];
        if (NOT_REPORTED.test(v)) return undefined;
        if (/^\[not supported\]$/i.test(v)) {
          if (REQUIRED.has(FIELDS[i])) errors.add(`${FIELDS[i]} ${v}`);
          return undefined;
        }
        const n = Number(v);
        if (v.startsWith('[') || /^ERR!?$/i.test(v) || !Number.isFinite(n)) {
          errors.add(v);
          return undefined;
        }
        return n;
      };
      const nameUnreadable = /^\[|^ERR!?$/i.test(f[1]);
      if (nameUnreadable) errors.add(f[1]);
      const reading: GpuReading = {
        id: f[0],
        name: nameUnreadable ? 'unreadable' : f[1],
        utilizationPct: num(3),
        memoryUsedMiB: num(4),
        memoryTotalMiB: num(5),
        temperatureC: num(6),
        eccErrors: num(7),
      };
      return errors.size ? { ...reading, errors: [...errors] } : reading;
    });
}

/** Why an accelerator is not healthy, or undefined when nothing says it is not. */
export function unhealthy(g: GpuReading, maxTemperatureC: number): string | undefined {
  const why: string[] = [];
  if (g.errors?.length) why.push(`nvidia-smi reports ${g.errors.join(', ')}`);
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
