import { escapeXml as esc } from './escape.js';
import type { GraphSpec } from './view/blocks.js';

const COLOR = { up: '#1a7f37', warn: '#9a6700', down: '#cf222e' } as const;
const ROW = 34;
const BOX_W = 170;
const BOX_H = 24;

/**
 * The platform's communication graph as the engines report it: engines in the left column, what they
 * depend on in the right, one line per edge in the colour of its state (dashed when down), its latency
 * beside it. Two columns, never a force layout: the same report draws the same picture every time.
 */
export function dependencyGraph(g: GraphSpec): string {
  if (!g.edges.length) return '';
  const left = [...new Set(g.edges.map((e) => e.from))];
  const right = [...new Set(g.edges.map((e) => e.to))];
  const height = Math.max(left.length, right.length) * ROW + 16;
  const width = 640;
  const y = (i: number, n: number) => 8 + (height - 16 - n * ROW) / 2 + i * ROW + BOX_H / 2;
  const lx = 10;
  const rx = width - BOX_W - 10;
  const node = (name: string, x: number, cy: number, stroke: string) =>
    `<rect x="${x}" y="${cy - BOX_H / 2}" width="${BOX_W}" height="${BOX_H}" rx="4" fill="#fff" stroke="${stroke}"/>` +
    `<text x="${x + BOX_W / 2}" y="${cy + 4}" text-anchor="middle" font-size="12">${esc(name.length > 24 ? `${name.slice(0, 23)}…` : name)}</text>`;
  const lines = g.edges.map((e) => {
    const y1 = y(left.indexOf(e.from), left.length);
    const y2 = y(right.indexOf(e.to), right.length);
    const [x1, x2] = [lx + BOX_W, rx];
    const dash = e.state === 'down' ? ' stroke-dasharray="6 4"' : '';
    const label = e.label
      ? `<text x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 - 4}" text-anchor="middle" font-size="12" fill="${COLOR[e.state]}">${esc(e.label)}</text>`
      : '';
    return `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="${COLOR[e.state]}" stroke-width="2"${dash}/>${label}`;
  });
  const worst = (names: string[], of: 'from' | 'to') => (n: string) => {
    const states = g.edges.filter((e) => e[of] === n).map((e) => e.state);
    return COLOR[states.includes('down') ? 'down' : states.includes('warn') ? 'warn' : 'up'];
  };
  const nodes = [
    ...left.map((n, i) => node(n, lx, y(i, left.length), worst(left, 'from')(n))),
    ...right.map((n, i) => node(n, rx, y(i, right.length), worst(right, 'to')(n))),
  ];
  return `<figure><svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(g.title)}" font-family="system-ui,sans-serif">${lines.join('')}${nodes.join('')}</svg><figcaption>${esc(g.title)}</figcaption></figure>`;
}
