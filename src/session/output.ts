import { writeFileAtomic } from '../util/atomic-write.js';
import { OutputError, UsageError } from '../errors.js';
import { ExitCode, verdictExit, type ExitCodeValue } from '../exit-codes.js';
import { FORMAT_NAMES, formatFromPath, knownExtensions, renderReport, type FormatName } from '../reports/formats.js';
import type { Report } from '../reports/model.js';
import { toGithub } from './github.js';
import { note } from '../util/say.js';
import { WRITE_ERRORS } from '../util/write-errors.js';
import { writeReportOut } from '../util/output-guard.js';

/** Flags every reporting command shares. */
export interface OutputFlags {
  format?: string;
  out?: string[];
  color?: boolean;
  quiet?: boolean;
  /** Every table in the terminal view instead of its summary. */
  detail?: boolean;
  /** Re-rendering an old report must not post to the current job's summary. */
  noGithub?: boolean;
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
  if (!format)
    throw new UsageError(
      `cannot tell the format of --out ${spec} from its extension (${knownExtensions().join(' ')}); or write FORMAT:PATH, e.g. markdown:${spec}`,
    );
  return { format, path: spec };
}

/**
 * Writes every requested output, files first so they exist by the time a pipe reader sees the end of
 * stdout. A file that cannot be written does not cost the user the report: stdout is still written,
 * then the failure is raised.
 */
export async function emitReport(report: Report, flags: OutputFlags, configured: OutputTarget[] = []): Promise<ExitCodeValue> {
  const stdoutFormat = flags.format ? parseFormat(flags.format) : 'table';
  const { failed, htmlPath } = await writeFiles(report, reportFiles(report, flags, configured));
  // A page of HTML is never what a person at a terminal wants to read: they get the summary, and the page only where they ask for it.
  const shown = stdoutFormat === 'html' && process.stdout.isTTY ? 'table' : stdoutFormat;
  if (shown !== stdoutFormat) note('HTML is not printed to a terminal: write it with --out report.html, or redirect stdout to a file');
  const color = shown === 'table' && wantsColor(flags);
  const opts = { color, width: terminalWidth(), detail: flags.detail, blockersOnly: flags.quiet, ...(htmlPath && { htmlPath }) };
  const text = await renderReport(report, shown, opts);
  if (text) writeReportOut(text);
  if (!flags.noGithub) await toGithub(report, stdoutFormat !== 'table' && stdoutFormat !== 'markdown');
  if (failed.length > 0) throw new OutputError(failed, report.verdict);
  if (report.aborted) return ExitCode.INTERRUPTED;
  // A shard's report is a slice: it ran, and `validate merge` of all the shards is the gate. A failing
  // shard process would stop a Kubernetes Indexed Job (or a CI matrix) before the merge could say why.
  if (report.shard) return ExitCode.GO;
  return verdictExit(report.verdict);
}

/** Each file in full (every table, not the summary); the ones that could not be written, and the first HTML page written. */
async function writeFiles(report: Report, files: OutputTarget[]): Promise<{ failed: string[]; htmlPath?: string }> {
  const failed: string[] = [];
  let htmlPath: string | undefined;
  for (const f of files) {
    try {
      const text = await renderReport(report, f.format, { color: false, detail: true });
      // The process's own streams by name: opening /dev/stdout fails when it is a socket (as under a supervisor).
      if (f.path === '-' || f.path === '/dev/stdout') writeReportOut(text);
      else if (f.path === '/dev/stderr') process.stderr.write(text);
      else {
        await writeFileAtomic(f.path, text);
        note(`wrote ${f.format} report to ${f.path}`);
        if (f.format === 'html') htmlPath ??= f.path;
      }
    } catch (err) {
      failed.push(`${f.path}: ${WRITE_ERRORS[(err as NodeJS.ErrnoException).code ?? ''] ?? (err as Error).message}`);
    }
  }
  return { failed, htmlPath };
}

/** The files a run's reports go to (--out and the config's outputs), their placeholders filled in. */
export function reportFiles(report: Report, flags: OutputFlags, configured: OutputTarget[] = []): OutputTarget[] {
  return [...configured, ...(flags.out ?? []).map(parseOut)].map((f) => ({ ...f, path: expandPath(f.path, report) }));
}

const PLACEHOLDERS = ['date', 'time', 'datetime', 'verdict', 'platform'];

/**
 * Checks every output flag (format, --out extensions, placeholders) and configured output before the
 * run, so a typo costs nothing: after a ten-minute soak it would cost the whole run.
 */
export function checkOutputs(flags: OutputFlags, configured: OutputTarget[] = []): void {
  if (flags.format) parseFormat(flags.format);
  for (const f of [...configured, ...(flags.out ?? []).map(parseOut)]) {
    for (const [whole, key] of f.path.matchAll(/\{(\w+)\}/g)) {
      if (!PLACEHOLDERS.includes(key))
        throw new UsageError(`--out ${f.path}: unknown placeholder ${whole}; use ${PLACEHOLDERS.map((k) => `{${k}}`).join(' ')}`);
    }
  }
}

/**
 * Output paths may carry the run's date and verdict, for scheduled runs:
 * `reports/{date}-{verdict}.md` -> `reports/2026-11-24-GO.md`. {date} {time} {datetime} {verdict} {platform}.
 */
export function expandPath(path: string, report: Report): string {
  const iso = report.startedAt;
  const values: Record<string, string> = {
    date: iso.slice(0, 10),
    time: iso.slice(11, 19).replace(/:/g, ''),
    datetime: `${iso.slice(0, 10)}T${iso.slice(11, 19).replace(/:/g, '')}`,
    verdict: report.verdict,
    platform: report.platform.replace(/[^A-Za-z0-9._-]+/g, '-'),
  };
  return path.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/**
 * The width the table is read at: stdout's terminal; when stdout is a pipe (`| less`) or a file, $COLUMNS
 * if set, else the terminal stderr is still on; else none (the renderer's default).
 */
export function terminalWidth(): number | undefined {
  const env = Number(process.env.COLUMNS);
  return process.stdout.columns ?? (Number.isInteger(env) && env > 0 ? env : process.stderr.columns);
}

/** Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function wantsColor(flags: Pick<OutputFlags, 'color'>): boolean {
  if (flags.color === false || (process.env.NO_COLOR ?? '') !== '') return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return Boolean(process.stdout.isTTY);
}
