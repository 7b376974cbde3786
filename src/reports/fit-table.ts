import { wrap } from '../util/words.js';
import Table from 'cli-table3';

/** A column of a terminal table, and how it gives way when the terminal is narrow. */
export interface Column {
  head: string;
  /** Dropped when nothing else fits, lowest first; a column without it is never dropped. */
  drop?: number;
  /** Cells may wrap onto several lines (prose, lists); others keep their natural width (numbers, names). */
  wrap?: boolean;
}

export interface TableStyle {
  head: string[];
  border: string[];
}

/** No rule between rows: a 16-target run still fits one screen. */
const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };
/** The least a wrapping column is squeezed to before columns are dropped instead. */
const MIN_WRAP = 12;
/** A wrapping column is not squeezed below its longest word up to this (a name broken mid-word reads badly). */
const WORD_CAP = 36;

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
export const visibleLength = (s: string) => s.replace(ANSI, '').length;

/**
 * A table no wider than `width`: wrapping columns are narrowed first, then the lowest-priority columns
 * dropped, and the table says which it dropped. Words longer than their column are broken rather than
 * cut, so no value is lost to the width.
 */
export function fitTable(columns: Column[], rows: string[][], width: number, style: TableStyle): string {
  let keep = columns.map((_, i) => i);
  let widths = layout(columns, rows, keep, width, true);
  while (!widths) {
    const victim = keep.filter((i) => columns[i].drop !== undefined).sort((a, b) => columns[a].drop! - columns[b].drop!)[0];
    if (victim === undefined) break;
    keep = keep.filter((i) => i !== victim);
    widths = layout(columns, rows, keep, width, true);
  }
  // Nothing left to drop: words are broken now; at worst the terminal wraps the lines (every value still there).
  widths ??= layout(columns, rows, keep, width, false) ?? keep.map((i) => (columns[i].wrap ? MIN_WRAP : natural(columns, rows, i)));
  const t = new Table({ head: keep.map((i) => columns[i].head), style, chars: COMPACT, wordWrap: true, colWidths: widths });
  for (const r of rows) t.push(keep.map((i, k) => breakLongWords(r[i] ?? '', widths![k] - 2)));
  const dropped = columns.filter((_, i) => !keep.includes(i)).map((c) => c.head);
  if (dropped.length === 0) return t.toString();
  return [
    t.toString(),
    ...wrap(`(not shown at ${width} columns: ${dropped.join(', ')}; widen the terminal or use --format markdown)`, width),
  ].join('\n');
}

/** Natural width of a column: its longest cell or head, plus padding. */
function natural(columns: Column[], rows: string[][], i: number): number {
  return Math.max(visibleLength(columns[i].head), ...rows.map((r) => visibleLength(r[i] ?? ''))) + 2;
}

/**
 * The longest word a column must keep whole: a name (engine-latency-portfolio) broken mid-word reads as two
 * things. A URL or a path is not such a word: it breaks after a `/`, where it still reads as one.
 */
function longestWord(columns: Column[], rows: string[][], i: number): number {
  const words = [columns[i].head, ...rows.map((r) => r[i] ?? '')].flatMap((s) => s.replace(ANSI, '').split(/\s+/));
  return Math.max(0, ...words.filter((w) => !w.includes('/')).map((w) => w.length));
}

/** A word longer than the room, in pieces that fit: a URL or path after a `/`, `?` or `&`; anything else anywhere. */
function pieces(word: string, room: number): string[] {
  if (word.length <= room) return [word];
  const cut = Math.max(...['/', '?', '&'].map((c) => word.lastIndexOf(c, room - 1)));
  const at = cut > 0 ? cut + 1 : room;
  return [word.slice(0, at), ...pieces(word.slice(at), room)];
}

/**
 * Column widths for these columns within `width`, or undefined when even squeezed they do not fit.
 * `wholeWords`: a wrapping column keeps room for its longest word (up to WORD_CAP).
 */
function layout(columns: Column[], rows: string[][], keep: number[], width: number, wholeWords: boolean): number[] | undefined {
  const widths = keep.map((i) => natural(columns, rows, i));
  const budget = width - (keep.length + 1);
  let excess = widths.reduce((a, b) => a + b, 0) - budget;
  if (excess <= 0) return widths;
  // Narrow the widest wrapping column, one character at a time, so long prose gives way before short.
  const wrapping = keep.map((_, k) => k).filter((k) => columns[keep[k]].wrap);
  const least = keep.map((i) => (wholeWords ? Math.max(MIN_WRAP, Math.min(WORD_CAP, longestWord(columns, rows, i) + 2)) : MIN_WRAP));
  for (; excess > 0; excess--) {
    const k = wrapping.filter((x) => widths[x] > least[x]).sort((a, b) => widths[b] - widths[a])[0];
    if (k === undefined) return undefined;
    widths[k]--;
  }
  return widths;
}

/** Breaks words longer than the column into pieces that fit, so the table wraps them instead of cutting them. */
function breakLongWords(text: string, room: number): string {
  if (room < 4 || visibleLength(text) <= room) return text;
  // A cell painted in one colour is broken inside the paint; other escapes are left whole.
  // eslint-disable-next-line no-control-regex -- ANSI colour codes begin with ESC: matching them is the point.
  const painted = /^(\x1b\[[0-9;]*m)([^\x1b]*)(\x1b\[[0-9;]*m)$/.exec(text);
  if (painted) return painted[1] + breakLongWords(painted[2], room) + painted[3];
  if (text.includes('\x1b')) return text;
  return text
    .split(' ')
    .map((w) => pieces(w, room).join(' '))
    .join(' ');
}
