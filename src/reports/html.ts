import { escapeXml } from './escape.js';
import { decodeHistogram } from '../results/histogram.js';
import { criterionActual, formatMs, probeSummary, STATUS_WORD } from './format-values.js';
import type { Report } from './model.js';
import type { RenderOptions } from './formats.js';
import { faultTable, healthLine, probeSections, scenarioTable, windowTable } from './sections.js';
import { lineChart, SPECTRUM, spectrumTicks, spectrumX, type Series } from './svg-charts.js';

const esc = escapeXml;
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];
const cls = (status: string) => ({ pass: 'ok', fail: 'bad', warn: 'warn', skip: 'skip' } as Record<string, string>)[status] ?? '';

function table(head: string[], rows: string[][], rowClass: (i: number) => string = () => ''): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r, i) => `<tr class="${rowClass(i)}">${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

/** One self-contained page a manager can open: verdict, decision matrix, probes, load with charts, faults. */
export function render(report: Report, _opts: RenderOptions): string {
  const body: string[] = [];
  const go = report.verdict === 'GO';
  body.push(`<header class="${go ? 'go' : 'nogo'}"><h1>${esc(report.platform)}: ${go ? 'GO' : 'NO-GO'}</h1><p>${esc(report.recommendation)}</p><p class="meta">${esc(report.startedAt)} · ${formatMs(report.durationMs)} · ${esc(report.source)}${report.aborted ? ' · run interrupted: partial report' : ''}</p></header>`);

  body.push('<h2>Decision matrix</h2>', table(['Criterion', 'Requirement', 'Actual', 'Outcome', 'Grade', 'Severity'], report.criteria.map((c) => [c.name, c.expression, criterionActual(c), c.outcome, c.grade, c.severity]), (i) => cls(report.criteria[i].status)));

  for (const s of probeSections(report)) {
    body.push(`<h2>${esc(s.title)} <small>${esc(healthLine(s.probes))}</small></h2>`, table(['Status', 'Name', 'Kind', 'Target', 'Time', 'Details'], s.probes.map((p) => [STATUS_WORD[p.status], p.required ? p.name : `${p.name} (optional)`, p.kind, p.target, formatMs(p.latencyMs), probeSummary(p)]), (i) => cls(s.probes[i].status)));
  }

  if (report.scenarios.length) {
    const st = scenarioTable(report.scenarios);
    body.push('<h2>Load scenarios</h2>', table(st.head, st.rows, (i) => (report.scenarios[i].validity === 'VALID' ? '' : 'bad')), ...st.notes.map((n) => `<p class="note">${esc(n)}</p>`));
    // Percentile spectrum per result, the HdrHistogram way: the tail gets as much room as the median.
    // Headline results first: the open-model runs, then the heaviest closed ones, then the rest.
    const shown = report.scenarios.filter((s) => s.histograms?.latency).sort((a, b) => Number(b.model === 'open') - Number(a.model === 'open') || b.connections - a.connections).slice(0, 8);
    const spectra: Series[] = shown.map((s, i) => {
      const h = decodeHistogram(s.histograms.latency);
      return { name: s.name, color: COLORS[i % COLORS.length], points: SPECTRUM.map((p) => [spectrumX(p), h.getValueAtPercentile(p) / 1000] as [number, number]) };
    });
    if (spectra.length) body.push(lineChart(spectra, { title: 'Latency by percentile', xLabel: 'percentile', yLabel: 'ms (log)', xTicks: spectrumTicks, yLog: true }));
    // Throughput and p99 against the level (the user count), per scenario that ran in levels.
    const byScenario = new Map<string, typeof report.scenarios>();
    for (const s of report.scenarios.filter((x) => x.level !== undefined)) byScenario.set(s.scenario, [...(byScenario.get(s.scenario) ?? []), s]);
    for (const [name, levels] of byScenario) {
      const users = levels.map((l) => [l.level!, l] as const);
      body.push(`<div class="pair">${lineChart([{ name: 'requests/s', color: COLORS[0], points: users.map(([u, l]) => [u, l.rps]) }], { title: `${name}: throughput by users`, xLabel: 'concurrent users', yLabel: 'requests/s' })}${lineChart([{ name: 'p99', color: COLORS[1], points: users.map(([u, l]) => [u, l.latencyMs.p99]) }], { title: `${name}: p99 by users`, xLabel: 'concurrent users', yLabel: 'ms' })}</div>`);
    }
    for (const s of report.scenarios.filter((x) => x.windows?.length)) {
      const wt = windowTable(s);
      const ws = s.windows!;
      body.push(`<h3>${esc(s.name)}: stability over ${ws.length} windows</h3>`);
      body.push(`<div class="pair">${lineChart([{ name: 'p99', color: COLORS[1], points: ws.map((w) => [w.index, w.latencyMs.p99]) }, { name: 'p50', color: COLORS[0], points: ws.map((w) => [w.index, w.latencyMs.p50]) }], { title: 'Latency per window', xLabel: 'window', yLabel: 'ms' })}${lineChart([{ name: 'requests/s', color: COLORS[2], points: ws.map((w) => [w.index, w.rps]) }], { title: 'Throughput per window', xLabel: 'window', yLabel: 'requests/s' })}</div>`);
      body.push(table(wt.head, wt.rows), ...wt.notes.map((n) => `<p class="note">${esc(n)}</p>`));
    }
  }

  if (report.faults.length) {
    const ft = faultTable(report.faults);
    body.push('<h2>Fault tolerance</h2>', table(ft.head, ft.rows, (i) => cls(report.faults[i].status)), ...ft.notes.map((n) => `<p class="note">${esc(n)}</p>`));
  }
  for (const n of report.notes) body.push(`<p class="note">Note: ${esc(n)}</p>`);

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(report.platform)}: ${report.verdict}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0 auto;max-width:1100px;padding:16px;color:#111}
header{padding:16px 20px;border-radius:8px;color:#fff}header.go{background:#15803d}header.nogo{background:#b91c1c}
header h1{margin:0 0 6px}header p{margin:4px 0}.meta{opacity:.85;font-size:12px}
h2{margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}h2 small{font-weight:normal;color:#666;font-size:13px}
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:13px}th,td{border:1px solid #e5e7eb;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f3f4f6}tr.ok td:first-child{border-left:4px solid #16a34a}tr.bad{background:#fef2f2}tr.bad td:first-child{border-left:4px solid #dc2626}
tr.warn{background:#fffbeb}tr.skip{color:#6b7280}.note{color:#374151;font-size:12px;margin:4px 0}
.chart{width:100%;max-width:760px;height:auto;background:#fafafa;border:1px solid #eee;border-radius:6px;margin:8px 0}
.pair{display:flex;gap:12px;flex-wrap:wrap}.pair .chart{flex:1 1 300px}
.chart .grid{stroke:#e5e7eb}.chart .axis{stroke:#9ca3af}.chart .tick{font-size:11px;fill:#4b5563}.chart .legend{font-size:11px;font-weight:600}
.chart .title{font-size:13px;font-weight:600;text-anchor:middle}.chart .label{font-size:11px;fill:#6b7280;text-anchor:middle}
</style></head><body>
${body.join('\n')}
</body></html>
`;
}
