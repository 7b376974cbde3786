import { isPair, isScalar, isSeq, visit, type Document, type LineCounter } from 'yaml';
import { formatPath, type Path } from './locate.js';
import type { ConfigIssue } from '../errors.js';
import type { Redactor } from '../util/redact.js';

const REF = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const SECRET_NAME = /PASS|SECRET|TOKEN|KEY|CREDENTIAL|AUTH/i;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string value, in place on the YAML document so
 * that later errors still point at the right line. `$$` is a literal `$`. Values from variables whose
 * name looks secret are registered with the redactor.
 */
export function substituteEnv(doc: Document, lines: LineCounter, file: string, env: NodeJS.ProcessEnv, redactor: Redactor): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  visit(doc, {
    Scalar(key, node, path) {
      if (key === 'key' || typeof node.value !== 'string' || !node.value.includes('$')) return;
      node.value = node.value.replace(REF, (whole, name: string | undefined, fallback: string | undefined) => {
        if (whole === '$$') return '$';
        const value = env[name!];
        if (value === undefined || value === '') {
          if (fallback !== undefined) return fallback;
          const pos = node.range ? lines.linePos(node.range[0]) : undefined;
          const fieldPath = formatPath(pathOf([...path, node]));
          issues.push({
            file,
            line: pos?.line,
            column: pos?.col,
            path: fieldPath,
            message: `environment variable ${name} is not set (referenced as \${${name}}); export it, or write \${${name}:-default}`,
          });
          return whole;
        }
        if (SECRET_NAME.test(name!)) redactor.add(value);
        return value;
      });
    },
  });
  return issues;
}

/** The field path of a node from its ancestors: pair keys and list indexes. */
function pathOf(ancestors: readonly unknown[]): Path {
  const out: Path = [];
  ancestors.forEach((a, i) => {
    if (isPair(a) && isScalar(a.key)) out.push(String(a.key.value));
    else if (isSeq(a)) out.push(a.items.indexOf(ancestors[i + 1] as never));
  });
  return out;
}
