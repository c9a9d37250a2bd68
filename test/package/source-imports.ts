import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, relative } from 'node:path';
import ts from 'typescript';

/**
 * How a module is reached: `static` is an import/export/`import =` that runs when the file loads,
 * `type` is erased at compile time, `dynamic` is `import()`, `require` is a `require()` call.
 */
export type ImportKind = 'static' | 'type' | 'dynamic' | 'require';

export interface SourceImport {
  /** Relative to `base`, e.g. `lib/auth/jwt-devices.strategy.ts`. */
  file: string;
  specifier: string;
  kind: ImportKind;
}

/**
 * Every import, export-from, `import()`, `import('x').T` and `require()` with a literal specifier
 * in the files under `directory` whose names end with `extension`; files are named relative to `base`.
 */
export function scanImports(directory: string, base: string, extension = '.ts'): SourceImport[] {
  return readdirSync(directory, { recursive: true })
    .map((entry) => join(directory, String(entry)))
    .filter((path) => path.endsWith(extension))
    .flatMap((path) => importsOfFile(path, base));
}

/** The imports of one file, as scanImports finds them. */
export function importsOfFile(path: string, base: string): SourceImport[] {
  const file = relative(base, path).split('\\').join('/');
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: SourceImport[] = [];
  const visit = (node: ts.Node): void => {
    const imported = importOf(node);
    if (imported) found.push({ file, ...imported });
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function importOf(node: ts.Node): { specifier: string; kind: ImportKind } | undefined {
  if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
    return { specifier: node.moduleSpecifier.text, kind: isTypeOnlyImport(node.importClause) ? 'type' : 'static' };
  }
  if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
    return { specifier: node.moduleSpecifier.text, kind: node.isTypeOnly ? 'type' : 'static' };
  }
  if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
    const expression = node.moduleReference.expression;
    if (ts.isStringLiteral(expression)) return { specifier: expression.text, kind: node.isTypeOnly ? 'type' : 'require' };
  }
  if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
    return { specifier: node.argument.literal.text, kind: 'type' };
  }
  if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0])) {
    const specifier = node.arguments[0].text;
    if (node.expression.kind === ts.SyntaxKind.ImportKeyword) return { specifier, kind: 'dynamic' };
    if (ts.isIdentifier(node.expression) && node.expression.text === 'require') return { specifier, kind: 'require' };
  }
  return undefined;
}

/** `import type {…}`, or only `type` named imports (TypeScript then drops the whole import). */
function isTypeOnlyImport(clause: ts.ImportClause | undefined): boolean {
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  const bindings = clause.namedBindings;
  return !clause.name && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 &&
    bindings.elements.every((element) => element.isTypeOnly);
}

/** The package a bare specifier names (`@scope/name/sub` -> `@scope/name`), or undefined for relative paths, `#` imports of the package itself and Node builtins. */
export function packageNameOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('#') || isBuiltin(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
