/**
 * Small SVG charts for the HTML report, drawn from numbers already in the report model: no script, no
 * library, nothing fetched at view time.
 */
import { escapeXml } from './escape.js';
export interface Series {
  name: string;
  color: string;
  points: [number, number][];
}

interface Axes {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Custom tick labels for the x axis (position, text). */
  xTicks?: [number, string][];
  yLog?: boolean;
}

const W = 760;
const H = 300;
// The right margin holds the legend, so it never covers a line.
const M = { left: 64, right: 170, top: 32, bottom: 48 };
const esc = escapeXml;

export function lineChart(series: Series[], axes: Axes): string {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return '';
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs) || 1];
  const tf = axes.yLog ? (v: number) => Math.log10(Math.max(v, 0.001)) : (v: number) => v;
  const y0 = axes.yLog ? Math.floor(tf(Math.min(...ys))) : 0;
  const y1 = axes.yLog ? Math.ceil(tf(Math.max(...ys))) || y0 + 1 : Math.max(...ys) * 1.1 || 1;
  const sx = (x: number) => M.left + ((x - x0) / (x1 - x0 || 1)) * (W - M.left - M.right);
  const sy = (y: number) => H - M.bottom - ((tf(y) - y0) / (y1 - y0 || 1)) * (H - M.top - M.bottom);
  const out = [`<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(axes.title)}">`, `<text x="${W / 2}" y="18" class="title">${esc(axes.title)}</text>`];
  // y grid and labels
  const yTicks = axes.yLog ? Array.from({ length: y1 - y0 + 1 }, (_, i) => 10 ** (y0 + i)) : Array.from({ length: 5 }, (_, i) => (y1 / 4) * i);
  for (const t of yTicks) {
    out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${sy(t)}" y2="${sy(t)}" class="grid"/>`, `<text x="${M.left - 6}" y="${sy(t) + 4}" class="tick" text-anchor="end">${fmt(t)}</text>`);
  }
  const xTicks = axes.xTicks ?? [...new Set(xs)].slice(0, 12).map((x) => [x, fmt(x)] as [number, string]);
  for (const [x, label] of xTicks) out.push(`<text x="${sx(x)}" y="${H - M.bottom + 16}" class="tick" text-anchor="middle">${esc(label)}</text>`);
  out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" class="axis"/>`, `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" class="axis"/>`);
  out.push(`<text x="${W / 2}" y="${H - 8}" class="label">${esc(axes.xLabel)}</text>`, `<text x="14" y="${H / 2}" class="label" transform="rotate(-90 14 ${H / 2})">${esc(axes.yLabel)}</text>`);
  series.forEach((s, i) => {
    const d = s.points.map((p, j) => `${j ? 'L' : 'M'}${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const p of s.points) out.push(`<circle cx="${sx(p[0]).toFixed(1)}" cy="${sy(p[1]).toFixed(1)}" r="2.5" fill="${s.color}"><title>${esc(s.name)}: ${fmt(p[1])}</title></circle>`);
    out.push(`<text x="${W - M.right + 10}" y="${M.top + 10 + i * 15}" class="legend" fill="${s.color}">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('');
}

function fmt(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 1000) return `${Math.round(v / 100) / 10}k`;
  if (Math.abs(v) >= 10) return String(Math.round(v));
  if (Math.abs(v) >= 1) return v.toFixed(1);
  return v.toPrecision(2);
}

/** Percentiles on the HdrHistogram-style axis: equal room for 90, 99, 99.9, 99.99 (x = log10(1 / (1 - p))). */
export const SPECTRUM = [0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99];
export const spectrumX = (p: number) => Math.log10(1 / (1 - Math.min(p, 99.999) / 100));
export const spectrumTicks: [number, string][] = [0, 90, 99, 99.9, 99.99].map((p) => [spectrumX(p), `${p}%`]);
