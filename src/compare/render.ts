import { formatMs } from '../reports/format-values.js';
import type { Comparison } from './compare.js';

const signed = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${v.toFixed(1)}%` : 'new');

function significance(s: Comparison['scenarios'][number]): string {
  if (!s.p99Intervals) return 'no histograms';
  const [a, b] = s.p99Intervals;
  const range = (i: typeof a) => `${formatMs(i.low)}..${formatMs(i.high)}`;
  return `${s.p99Differs ? 'p99 changed' : 'p99 within noise'} (99% intervals ${range(a)} -> ${range(b)}; shape moved ${((s.shapeDistance ?? 0) * 100).toFixed(0)}%)`;
}

/** The comparison as markdown tables (also what the terminal shows: plain, aligned by the pipes). */
export function renderComparison(c: Comparison, format: 'markdown' | 'json' | 'table'): string {
  if (format === 'json') return `${JSON.stringify(c, null, 2)}\n`;
  const out = [`# Comparison: ${c.baseline.startedAt} (${c.baseline.verdict}) -> ${c.current.startedAt} (${c.current.verdict})`, ''];
  if (c.scenarios.length) {
    out.push('| Scenario | p50 | p99 | p99 change | RPS | RPS change | Latency difference | |', '|---|---|---|---|---|---|---|---|');
    for (const s of c.scenarios) {
      out.push(`| ${s.name} | ${formatMs(s.p50[0])} -> ${formatMs(s.p50[1])} | ${formatMs(s.p99[0])} -> ${formatMs(s.p99[1])} | ${signed(s.p99ChangePct)} | ${s.rps[0].toFixed(0)} -> ${s.rps[1].toFixed(0)} | ${signed(s.rpsChangePct)} | ${significance(s)} | ${s.regression ? `REGRESSION: ${s.why.join('; ')}` : 'ok'} |`);
    }
    out.push('');
  }
  if (c.changes.length) {
    out.push('| Changed | Name | Before | After | |', '|---|---|---|---|---|');
    for (const ch of c.changes) out.push(`| ${ch.what} | ${ch.name} | ${ch.before} | ${ch.after} | ${ch.regression ? 'REGRESSION' : ''} |`);
    out.push('');
  } else out.push('No probe, criterion or fault changed status.', '');
  const bounds = `p99 +${c.bounds.maxP99Increase}% and +${c.bounds.minP99IncreaseMs} ms beyond its confidence interval, rps -${c.bounds.maxRpsDecrease}%, any pass -> fail`;
  out.push(c.regressed ? `REGRESSED beyond the bounds (${bounds}).` : `No regression beyond the bounds (${bounds}).`, '');
  return out.join('\n');
}
