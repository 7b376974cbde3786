import type { Report } from '../model.js';
import { table, type Block } from './blocks.js';

const show = (v: number) => String(Number(v.toPrecision(4)));

/**
 * "Since the last runs" (a report written with --history): what changed status since the run before, and
 * what moved beyond the noise of the earlier runs. Short by design: the history itself is `validate trend`.
 */
export function sinceSection(report: Report): Block[] {
  const s = report.sinceLastRuns;
  if (!s) return [];
  const heading: Block = { type: 'heading', level: 2, text: 'Since the last runs', aside: `${s.runs} earlier run(s) in the history` };
  if (!s.runs) return [heading, { type: 'notes', items: [`The first run kept in ${s.place}: nothing to compare with yet.`] }];
  const notes = [
    `The run before: ${s.previous!.verdict}, ${s.previous!.startedAt.slice(0, 16).replace('T', ' ')} UTC${report.verdict !== s.previous!.verdict ? `; now ${report.verdict}` : ''}.`,
  ];
  if (!s.changed.length) notes.push('No criterion changed outcome since.');
  if (!s.moved.length)
    notes.push(
      s.runs < 5 ? 'Too few earlier runs (5 needed) to tell noise from a move.' : 'Nothing moved beyond the noise of the earlier runs.',
    );
  const blocks: Block[] = [heading, { type: 'notes', items: notes }];
  if (s.changed.length)
    blocks.push({
      type: 'table',
      table: table(
        [{ head: 'Criterion', wrap: true }, { head: 'Was' }, { head: 'Now', status: true }],
        s.changed.map((c) => ({ cells: [c.name, c.from, c.to], status: c.to === 'NOT MET' || c.to === 'NOT RUN' ? 'fail' : 'pass' })),
      ),
    });
  if (s.moved.length)
    blocks.push({
      type: 'table',
      table: table(
        [{ head: 'Moved', wrap: true }, { head: 'Now' }, { head: 'Median before' }, { head: 'Shift' }],
        s.moved.map((m) => ({ cells: [m.series, show(m.value), show(m.median), `${m.shiftPct > 0 ? '+' : ''}${m.shiftPct.toFixed(1)}%`] })),
      ),
    });
  return blocks;
}
