import type { FormatName } from './format-names.js';
import type { Report } from './model.js';

export interface RenderOptions {
  /** ANSI colours; only ever true for a terminal that wants them. */
  color: boolean;
  /** Terminal columns, for the terminal table. */
  width?: number;
}

export type Renderer = (report: Report, opts: RenderOptions) => string;

/** Every output format by its key; loaded on use, so a JSON-only run never loads the table code. */
const RENDERERS: Record<FormatName, () => Promise<{ render: Renderer }>> = {
  table: () => import('./table.js'),
  markdown: () => import('./markdown.js'),
  json: () => import('./json.js'),
  junit: () => import('./junit.js'),
  prometheus: () => import('./prometheus.js'),
  html: () => import('./html.js'),
};

export async function renderReport(report: Report, format: FormatName, opts: RenderOptions): Promise<string> {
  const mod = await RENDERERS[format]();
  return mod.render(report, opts);
}
