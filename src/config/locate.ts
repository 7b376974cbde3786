import { isMap, isNode, isPair, isScalar, type Document, type LineCounter, type Node } from 'yaml';

import type { Path } from './path.js';

export { formatPath, type Path } from './path.js';

/** Line and column of the YAML node at `path`, or of its nearest existing ancestor. */
export function locate(doc: Document, lines: LineCounter, path: Path, key?: string): { line?: number; column?: number } {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
    if (!isNode(node) || !node.range) continue;
    let offset = node.range[0];
    if (key !== undefined && n === path.length && isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
      if (pair && isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
    }
    const pos = lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }
  return {};
}

/** `targets[3].expect.status` */
