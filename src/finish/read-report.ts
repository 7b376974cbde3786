import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import { SCHEMA_VERSION, type Report } from '../reports/model.js';
import { upgradeReport } from './finish-report.js';

/** Reads a saved JSON report, checking it is one this version can render, and makes it current. */
export async function readReport(file: string): Promise<Report> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message}`);
  }
  return parseReport(text, file, '; pass a report written with --format json or --out FILE.json');
}

/** A report's JSON text (from a file, or kept in a history): checked to be one this version can render, made current. */
export function parseReport(text: string, where: string, fix = ''): Report {
  let report: Report;
  try {
    report = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${where}: not JSON (${(err as Error).message})${fix}`);
  }
  if (!report || typeof report !== 'object' || !('schemaVersion' in report))
    throw new UsageError(`${where}: not a validate report (no schemaVersion)`);
  if (report.schemaVersion !== SCHEMA_VERSION)
    throw new UsageError(`${where}: report schemaVersion ${report.schemaVersion}; this validate reads version ${SCHEMA_VERSION}`);
  if (!Array.isArray(report.probes) || !Array.isArray(report.criteria) || typeof report.summary !== 'object')
    throw new UsageError(`${where}: not a whole validate report (it lacks probes, criteria or summary)`);
  return upgradeReport(report);
}
