import { writeFileAtomic } from '../util/atomic-write.js';
import { OutputError, UsageError } from '../errors.js';
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

const WRITE_ERRORS: Record<string, string> = {
  EEXIST: 'a file stands where its folder should be',
  ENOTDIR: 'a file stands where its folder should be',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EISDIR: 'that path is a folder',
};

/**
 * Writes every requested output, files first so they exist by the time a pipe reader sees the end of
 * stdout. A file that cannot be written does not cost the user the report: stdout is still written,
 * then the failure is raised.
 */
export async function emitReport(report: Report, flags: OutputFlags, configured: OutputTarget[] = []): Promise<ExitCodeValue> {
  const stdoutFormat = flags.format ? parseFormat(flags.format) : 'table';
  const files = [...configured, ...(flags.out ?? []).map(parseOut)];
  const failed: string[] = [];
  for (const f of files) {
    try {
      await writeFileAtomic(f.path, await renderReport(report, f.format, { color: false }));
      process.stderr.write(`wrote ${f.format} report to ${f.path}\n`);
    } catch (err) {
      failed.push(`${f.path}: ${WRITE_ERRORS[(err as NodeJS.ErrnoException).code ?? ''] ?? (err as Error).message}`);
    }
  }
  const color = stdoutFormat === 'table' && wantsColor(flags);
  if (!flags.quiet || stdoutFormat !== 'table') process.stdout.write(await renderReport(report, stdoutFormat, { color, width: process.stdout.columns }));
  if (failed.length > 0) throw new OutputError(failed, report.verdict);
  if (report.aborted) return ExitCode.INTERRUPTED;
  return report.verdict === 'GO' ? ExitCode.GO : ExitCode.NO_GO;
}

/** Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
function wantsColor(flags: OutputFlags): boolean {
  if (flags.color === false || (process.env.NO_COLOR ?? '') !== '') return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(process.stdout.isTTY);
}
