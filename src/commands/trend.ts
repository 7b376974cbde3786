import { UsageError } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { openHistory } from '../history/open.js';
import { HISTORY_FORMATS, renderTrend, type HistoryFormat } from '../history/render.js';
import { trendSeries } from '../history/trend.js';
import { renderTrendHtml } from '../history/trend-html.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { writeReportOut } from '../util/output-guard.js';
import { terminalWidth } from '../session/output.js';
import { labelsOf, readingPlace } from '../session/history-flags.js';
import { note } from '../util/say.js';

export interface TrendFlags {
  format: string;
  last?: number;
  label?: string[];
  out?: string;
  /** List the steady series too (table and markdown). */
  all?: boolean;
}

/** `validate trend [PLACE]`: each series across the runs, with its change points (E-divisive means). */
export async function trend(placeArg: string | undefined, flags: TrendFlags): Promise<ExitCodeValue> {
  const place = readingPlace(placeArg);
  const html = flags.out?.endsWith('.html') ?? false;
  const format = (flags.out?.endsWith('.md') ? 'markdown' : flags.out?.endsWith('.json') ? 'json' : flags.format) as HistoryFormat;
  if (!html && !HISTORY_FORMATS.includes(format))
    throw new UsageError(`unknown format "${flags.format}" for trend; expected one of: ${HISTORY_FORMATS.join(', ')}`);
  const labels = labelsOf(flags.label ?? []);
  const store = await openHistory(place, { readOnly: true });
  let text: string;
  try {
    const series = trendSeries(await store.list({ last: flags.last ?? 90, labels }));
    text = html ? renderTrendHtml(series, store.place) : renderTrend(series, format, terminalWidth(), flags.all ?? false);
  } finally {
    await store.close();
  }
  if (flags.out) {
    await writeFileAtomic(flags.out, text);
    note(`wrote the trend to ${flags.out}`);
  } else writeReportOut(text);
  return ExitCode.GO;
}
