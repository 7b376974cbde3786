/**
 * Small SVG line charts for the HTML report, drawn from numbers already in the report model: no script,
 * no library, nothing fetched at view time.
 */
import { escapeXml as esc } from './escape.js';
import { niceTicks, tickLabel, timeLabel, timeTicks } from './ticks.js';
import type { ChartSpec } from './view/blocks.js';

export const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];

const W = 760;
const H = 300;
// The right margin holds the legend, so it never covers a line.
const M = { left: 64, right: 190, top: 32, bottom: 48 };

/** One chart as an SVG element (with its note below, if it has one); '' when it has no points. */
export function lineChart(spec: ChartSpec): string {
  const all = spec.series.flatMap((s) => s.points);
  if (all.length === 0) return '';
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const x = spec.xTime
    ? timeTicks(x1)
    : spec.xTicks
      ? { ticks: spec.xTicks.map((t) => t[0]), max: Math.max(x1, ...spec.xTicks.map((t) => t[0])), step: 1 }
      : niceTicks(x1, x0);
  const xMin = spec.xTime ? 0 : Math.min(x0, x.ticks[0]);
  const y = spec.yLog ? logTicks(ys) : niceTicks(Math.max(...ys));
  const tf = spec.yLog ? (v: number) => Math.log10(Math.max(v, y.ticks[0])) : (v: number) => v;
  const [yLo, yHi] = [tf(y.ticks[0]), tf(y.max)];
  const sx = (v: number) => M.left + ((v - xMin) / (x.max - xMin || 1)) * (W - M.left - M.right);
  const sy = (v: number) => H - M.bottom - ((tf(v) - yLo) / (yHi - yLo || 1)) * (H - M.top - M.bottom);
  const out = [
    `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(spec.title)}">`,
    `<text x="${W / 2}" y="18" class="title">${esc(spec.title)}</text>`,
  ];
  for (const t of y.ticks) {
    out.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${f(sy(t))}" y2="${f(sy(t))}" class="grid"/>`,
      `<text x="${M.left - 6}" y="${f(sy(t) + 4)}" class="tick" text-anchor="end">${tickLabel(t, spec.yLog ? t : y.step)}</text>`,
    );
  }
  const xLabels: [number, string][] = spec.xTicks ?? x.ticks.map((t) => [t, spec.xTime ? timeLabel(t, x.step) : tickLabel(t, x.step)]);
  for (const [v, label] of xLabels)
    out.push(`<text x="${f(sx(v))}" y="${H - M.bottom + 16}" class="tick" text-anchor="middle">${esc(label)}</text>`);
  out.push(
    `<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" class="axis"/>`,
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" class="axis"/>`,
  );
  out.push(
    `<text x="${W / 2}" y="${H - 8}" class="label">${esc(spec.xLabel)}</text>`,
    `<text x="14" y="${H / 2}" class="label" transform="rotate(-90 14 ${H / 2})">${esc(spec.yLabel)}</text>`,
  );
  // Names that share a prefix (engine-latency-risk, engine-latency-ml) are told apart by the rest; the prefix goes in the title.
  const prefix = sharedPrefix(spec.series.map((s) => s.name));
  if (prefix) out[1] = `<text x="${W / 2}" y="18" class="title">${esc(`${spec.title}: ${prefix}*`)}</text>`;
  out.push(...seriesLines(spec, prefix, sx, sy));
  (spec.marks ?? []).forEach((m, i) => {
    const x = f(sx(m.x));
    out.push(
      `<line x1="${x}" x2="${x}" y1="${M.top}" y2="${H - M.bottom}" class="mark"/>`,
      `<text x="${x}" y="${M.top + 12 + 14 * i}" class="marklabel" text-anchor="${sx(m.x) > W / 2 ? 'end' : 'start'}" dx="${sx(m.x) > W / 2 ? -4 : 4}">${esc(m.label)}</text>`,
    );
  });
  out.push('</svg>');
  return spec.note ? `<figure>${out.join('')}<figcaption>${esc(spec.note)}</figcaption></figure>` : out.join('');
}

/** Each series: its line, its markers where they can be told apart, and its legend entry. */
function seriesLines(spec: ChartSpec, prefix: string, sx: (v: number) => number, sy: (v: number) => number): string[] {
  const out: string[] = [];
  spec.series.forEach((s, i) => {
    const color = PALETTE[(s.color ?? i) % PALETTE.length];
    const name = s.name.slice(prefix.length);
    if (s.points.length && !s.pointsOnly)
      out.push(
        `<path d="${s.points.map((p, j) => `${j ? 'L' : 'M'}${f(sx(p[0]))},${f(sy(p[1]))}`).join(' ')}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      );
    // Markers only where they can be told apart; a long timeline is a line.
    if (s.points.length <= 60)
      for (const p of s.points)
        out.push(
          `<circle cx="${f(sx(p[0]))}" cy="${f(sy(p[1]))}" r="${s.pointsOnly ? 5 : 2.5}" fill="${color}"><title>${esc(s.name)}: ${tickLabel(p[1], p[1] / 100)}</title></circle>`,
        );
    out.push(
      `<text x="${W - M.right + 10}" y="${M.top + 10 + i * 15}" class="legend" fill="${color}"><title>${esc(s.name)}</title>${esc(name.length > 28 ? `${name.slice(0, 27)}…` : name)}${s.points.length ? '' : ' (no points)'}</text>`,
    );
  });
  return out;
}

const f = (v: number) => v.toFixed(1);

/** The prefix, up to a `-` or `/`, that every name of several shares; '' when they share none. */
function sharedPrefix(names: string[]): string {
  if (names.length < 2) return '';
  // A total among its own entries (trading-day, trading-day/GET ...): cutting inside its name would leave "day".
  if (names.some((n) => names.every((m) => m === n || m.startsWith(`${n}/`)))) return '';
  let p = names[0];
  for (const n of names) while (!n.startsWith(p)) p = p.slice(0, -1);
  const cut = Math.max(p.lastIndexOf('-'), p.lastIndexOf('/'));
  return cut > 0 ? p.slice(0, cut + 1) : '';
}

/** Decades covering the values: 0.1, 1, 10, 100 ms. */
function logTicks(values: number[]): { ticks: number[]; max: number; step: number } {
  const positive = values.filter((v) => v > 0);
  const lo = Math.floor(Math.log10(Math.min(...(positive.length ? positive : [1]))));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...(positive.length ? positive : [10])))));
  const ticks = Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
  return { ticks, max: ticks[ticks.length - 1], step: ticks[0] };
}
