import { writeFileAtomic } from '../util/atomic-write.js';
import { UsageError } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { FORMAT_NAMES, formatFromPath, type FormatName } from '../reports/format-names.js';
import type { Report } from '../reports/model.js';
import { renderReport } from '../reports/registry.js';

/** Flags every reporting command shares. */
export interface OutputFlags {
  format?: string;
  out?: string[];
  color?: boolean;
  quiet?: boolean;
}

export interface OutputTarget {
  format: FormatName;
  path: string;
}

export function parseFormat(value: string): FormatName {
  if ((FORMAT_NAMES as readonly string[]).includes(value)) return value as FormatName;
  throw new UsageError(`unknown format "${value}"; expected one of: ${FORMAT_NAMES.join(', ')}`);
}

/** `--out report.json`, `--out markdown:report.txt` (explicit format before a colon). */
export function parseOut(spec: string): OutputTarget {
  const m = /^([a-z]+):(.+)$/.exec(spec);
  if (m && (FORMAT_NAMES as readonly string[]).includes(m[1])) return { format: m[1] as FormatName, path: m[2] };
  const format = formatFromPath(spec);
  if (!format) throw new UsageError(`cannot tell the format of --out ${spec} from its extension; use .json, .md or .txt, or write FORMAT:PATH (e.g. markdown:${spec})`);
  return { format, path: spec };
}

/** Writes every requested output, stdout last so files exist by the time a pipe reader sees the end. */
export async function emitReport(report: Report, flags: OutputFlags, configured: OutputTarget[] = []): Promise<ExitCodeValue> {
  const stdoutFormat = flags.format ? parseFormat(flags.format) : 'table';
  const files = [...configured, ...(flags.out ?? []).map(parseOut)];
  for (const f of files) await writeFileAtomic(f.path, await renderReport(report, f.format, { color: false }));
  const color = stdoutFormat === 'table' && wantsColor(flags);
  if (!flags.quiet || stdoutFormat !== 'table') process.stdout.write(await renderReport(report, stdoutFormat, { color, width: process.stdout.columns }));
  for (const f of files) process.stderr.write(`wrote ${f.format} report to ${f.path}\n`);
  if (report.aborted) return ExitCode.INTERRUPTED;
  return report.verdict === 'GO' ? ExitCode.GO : ExitCode.NO_GO;
}

/** Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
function wantsColor(flags: OutputFlags): boolean {
  if (flags.color === false || (process.env.NO_COLOR ?? '') !== '') return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(process.stdout.isTTY);
}
