import type { Report } from './model.js';

export interface RenderOptions {
  /** ANSI colours; only ever true for a terminal that wants them. */
  color: boolean;
  /** Terminal columns, for the terminal table. */
  width?: number;
  /** Where this run's HTML report is being written, if it is: the table points there for its charts. */
  htmlPath?: string;
  /** The terminal view: every table (--detail) instead of the summary. */
  detail?: boolean;
  /** The terminal view under -q: only what stands in the way of GO, nothing when GO. */
  blockersOnly?: boolean;
}

export type Renderer = (report: Report, opts: RenderOptions) => string;

interface FormatSpec {
  /** File endings that select it in `--out FILE`; the first is the one it is written with. */
  extensions: readonly string[];
  /** What it is for, in help texts and the README. */
  summary: string;
  /** Its renderer, loaded on use: a JSON-only run never loads the table code. */
  load: () => Promise<{ render: Renderer }>;
}

/**
 * Every output format, by its key: the one table help texts, `--out` parsing, the config schema and the
 * golden tests read. A new format is a renderer file and a line here.
 */
export const FORMATS = {
  table: {
    extensions: ['.txt'],
    summary: 'a person at a terminal: the verdict, blockers and a line per section (every table with --detail; colour only on a TTY)',
    load: () => import('./table.js'),
  },
  markdown: {
    extensions: ['.md', '.markdown'],
    summary: "the reference report's sections; the GitHub job summary",
    load: () => import('./markdown.js'),
  },
  json: {
    extensions: ['.json'],
    summary: 'the report model itself: machines, `validate report`, `validate compare`',
    load: () => import('./json.js'),
  },
  junit: {
    extensions: ['.xml'],
    summary: 'the CI test report tab: a test case per probe, load result, fault and criterion',
    load: () => import('./junit.js'),
  },
  prometheus: {
    extensions: ['.prom'],
    summary: "node_exporter's textfile collector: scheduled runs become time series",
    load: () => import('./prometheus.js'),
  },
  html: { extensions: ['.html', '.htm'], summary: 'one self-contained page with charts, nothing fetched', load: () => import('./html.js') },
} as const satisfies Record<string, FormatSpec>;

export type FormatName = keyof typeof FORMATS;
export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];

/** Format chosen from an output file's extension. */
export function formatFromPath(path: string): FormatName | undefined {
  const lower = path.toLowerCase();
  return FORMAT_NAMES.find((f) => FORMATS[f].extensions.some((e) => lower.endsWith(e)));
}

/** `.json, .md, .txt, ...`: every extension that selects a format. */
export function knownExtensions(): string[] {
  return FORMAT_NAMES.flatMap((f) => FORMATS[f].extensions);
}

export async function renderReport(report: Report, format: FormatName, opts: RenderOptions): Promise<string> {
  return (await FORMATS[format].load()).render(report, opts);
}
