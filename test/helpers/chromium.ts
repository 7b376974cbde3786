import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from './services.js';

// Chromium as this machine runs it headless: no network of its own, a fresh profile.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--hide-scrollbars',
];
const dir = mkdtempSync(join(tmpdir(), 'validate-chromium-'));
const profile = (name: string) => ['--user-data-dir=' + join(dir, name)];

/** The page as Chromium built it (its DOM after parsing), and a screenshot of it (a drawn page, not a blank one). */
export function inChromium(html: string, name: string, size = '1200,1600'): { dom: string; png: Buffer; pngPath: string } {
  const chromium = requireBinary('chromium', 'chromium');
  const dom = execFileSync(chromium, [...FLAGS, ...profile(`${name}-dom`), '--dump-dom', `file://${html}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const pngPath = join(dir, `${name}.png`);
  execFileSync(chromium, [...FLAGS, ...profile(`${name}-png`), `--window-size=${size}`, `--screenshot=${pngPath}`, `file://${html}`], {
    stdio: 'ignore',
    timeout: 60_000,
  });
  if (statSync(pngPath).size < 20_000) throw new Error(`${name}: Chromium drew a blank page (${statSync(pngPath).size} bytes)`);
  return { dom, png: readFileSync(pngPath), pngPath };
}

/**
 * How tall the page lays out at a width, in CSS pixels: measured on a copy with one line of script added
 * (the report itself runs none), read back from the DOM Chromium dumps.
 */
export function pageHeight(html: string, width = 1280): number {
  const chromium = requireBinary('chromium', 'chromium');
  const copy = join(dir, `measure-${Date.now()}.html`);
  const probe = `<script>addEventListener('load',()=>{document.body.dataset.height=String(document.documentElement.scrollHeight)})</script>`;
  writeFileSync(copy, readFileSync(html, 'utf8').replace('</body>', `${probe}</body>`));
  const dom = execFileSync(
    chromium,
    [...FLAGS, ...profile(`measure-${width}`), `--window-size=${width},900`, '--dump-dom', `file://${copy}`],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const m = /data-height="(\d+)"/.exec(dom);
  if (!m) throw new Error(`${html}: Chromium did not lay the page out`);
  return Number(m[1]);
}

/** Pages of the PDF Chromium prints the page to (the browser's print to PDF). */
export function printedPages(html: string): number {
  const chromium = requireBinary('chromium', 'chromium');
  const pdf = join(dir, `print-${Date.now()}.pdf`);
  execFileSync(chromium, [...FLAGS, ...profile('print'), `--print-to-pdf=${pdf}`, '--no-pdf-header-footer', `file://${html}`], {
    stdio: 'ignore',
    timeout: 60_000,
  });
  return (
    readFileSync(pdf)
      .toString('latin1')
      .match(/\/Type\s*\/Page[^s]/g) ?? []
  ).length;
}
