import ts from 'typescript';

/** One import of a source file, as TypeScript's parser reads it. */
export interface ImportRef {
  spec: string;
  /** Erased at run time (`import type`, `export type`, or every name a type): no runtime edge. */
  typeOnly: boolean;
}

/**
 * Every module a source file names: import declarations (any quotes, side-effect imports included),
 * `export ... from`, dynamic `import('...')`, `require('...')` and `import x = require('...')`. Read with
 * the compiler's own parser, so no spelling of an import slips past a pattern.
 */
export function importsOf(fileName: string, text: string): ImportRef[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const out: ImportRef[] = [];
  const literal = (n: ts.Node | undefined) => (n && ts.isStringLiteralLike(n) ? n.text : undefined);
  const visit = (n: ts.Node) => {
    if (ts.isImportDeclaration(n)) {
      const c = n.importClause;
      const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : undefined;
      const typeOnly = Boolean(c?.isTypeOnly || (c && !c.name && named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      out.push({ spec: literal(n.moduleSpecifier)!, typeOnly });
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier) {
      out.push({ spec: literal(n.moduleSpecifier)!, typeOnly: n.isTypeOnly });
    } else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference)) {
      out.push({ spec: literal(n.moduleReference.expression)!, typeOnly: n.isTypeOnly });
    } else if (ts.isCallExpression(n)) {
      const dynamic = n.expression.kind === ts.SyntaxKind.ImportKeyword;
      const required = ts.isIdentifier(n.expression) && n.expression.text === 'require';
      const spec = literal(n.arguments[0]);
      if ((dynamic || required) && spec !== undefined) out.push({ spec, typeOnly: false });
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument)) {
      const spec = literal(n.argument.literal);
      if (spec !== undefined) out.push({ spec, typeOnly: true });
    }
    ts.forEachChild(n, visit);
  };
  visit(source);
  return out;
}

/** The npm package an import names (`@scope/pkg/sub` -> `@scope/pkg`), or undefined for a path or a Node module. */
export function packageOf(spec: string): string | undefined {
  if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:')) return undefined;
  return spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
}
