import type * as hdr from 'hdr-histogram-js';
// The package's parts, not its index: the index also loads its log writer, which builds an Intl number
// format when loaded (~45 ms of start-up, in the main thread and the load thread each) for logs never written.
import { build } from 'hdr-histogram-js/dist/HistogramBuilder.js';
import { decodeFromCompressedBase64, encodeIntoCompressedBase64 } from 'hdr-histogram-js/dist/encoding.js';
import type { LatencySummary } from './latency.js';

/** Latencies are recorded in microseconds, 1 µs to 1 h, 3 significant digits: fixed memory whatever the run length. */
const LOWEST_US = 1;
const HIGHEST_US = 3_600_000_000;

export type Histogram = hdr.Histogram;

export function newHistogram(): Histogram {
  return build({
    lowestDiscernibleValue: LOWEST_US,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: 32,
    autoResize: false,
  });
}

/** Records a duration given in milliseconds (clamped into the trackable range). */
export function recordMs(h: Histogram, ms: number): void {
  const us = Math.round(ms * 1000);
  h.recordValue(us < LOWEST_US ? LOWEST_US : us > HIGHEST_US ? HIGHEST_US : us);
}

export type { LatencySummary } from './latency.js';

/** The summary every report shows, in milliseconds. An empty histogram summarises to zeros. */
export function summarize(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    min: ms(h.minNonZeroValue),
    mean: Math.round(h.mean) / 1000,
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(h.maxValue),
  };
}

/** HdrHistogram's own compressed base64 form, so saved reports can be merged and compared exactly. */
export function encodeHistogram(h: Histogram): string {
  return encodeIntoCompressedBase64(h);
}

export function decodeHistogram(encoded: string): Histogram {
  return decodeFromCompressedBase64(encoded, 32, false);
}

/** HdrHistograms added: the union's distribution, exactly (never an average of percentiles). */
export function addHistograms(encoded: string[]): { histogram: Histogram; encoded: string; summary: LatencySummary } {
  const h = newHistogram();
  for (const e of encoded) h.add(decodeHistogram(e));
  return { histogram: h, encoded: encodeHistogram(h), summary: summarize(h) };
}
