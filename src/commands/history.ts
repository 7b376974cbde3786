import { UsageError } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { openHistory } from '../history/open.js';
import { HISTORY_FORMATS, renderHistory, type HistoryFormat } from '../history/render.js';
import { writeReportOut } from '../util/output-guard.js';
import { terminalWidth } from '../session/output.js';
import { labelsOf, readingPlace } from '../session/history-flags.js';

export interface HistoryCommandFlags {
  format: string;
  last?: number;
  label?: string[];
}

/** `validate history [PLACE]`: the runs a history holds, one row each, oldest first. */
export async function history(placeArg: string | undefined, flags: HistoryCommandFlags): Promise<ExitCodeValue> {
  const place = readingPlace(placeArg);
  if (!HISTORY_FORMATS.includes(flags.format as HistoryFormat))
    throw new UsageError(`unknown format "${flags.format}" for history; expected one of: ${HISTORY_FORMATS.join(', ')}`);
  const labels = labelsOf(flags.label ?? []);
  const store = await openHistory(place, { readOnly: true });
  try {
    const runs = await store.list({ last: flags.last ?? 30, labels });
    writeReportOut(renderHistory(runs, flags.format as HistoryFormat, terminalWidth()));
  } finally {
    await store.close();
  }
  return ExitCode.GO;
}
