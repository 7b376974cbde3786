import type { Report } from './model.js';
import type { RenderOptions } from './formats.js';

export function render(report: Report, _opts: RenderOptions): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
