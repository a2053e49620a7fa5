import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The three package entries, checked on the source with the compiler: every type a public
// signature names can be imported from some entry (or the published .d.ts has types a game cannot
// name), and neither subpath entry reaches Phaser, even through a type.

const plugin = resolve(import.meta.dirname, '../../src/plugin');
const entries = ['index.ts', 'audio.ts', 'live.ts'].map((f) => resolve(plugin, f));
const config = ts.getParsedCommandLineOfConfigFile(
  resolve(plugin, 'tsconfig.json'),
  {},
  { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
);
if (!config) throw new Error('src/plugin/tsconfig.json did not parse');
const program = ts.createProgram(entries, config.options);
const checker = program.getTypeChecker();

function resolveAlias(symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

function exportsOf(file: string): ts.Symbol[] {
  const source = program.getSourceFile(file);
  const module = source && checker.getSymbolAtLocation(source);
  if (!module) throw new Error(`${file} is not a module`);
  return checker.getExportsOfModule(module).map(resolveAlias);
}

const isInternal = (node: ts.Node) => ts.getJSDocTags(node).some((t) => t.tagName.text === 'internal');
const isHidden = (node: ts.Node) =>
  ts.canHaveModifiers(node) &&
  (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword);
const isOwn = (decl: ts.Declaration) => decl.getSourceFile().fileName.startsWith(plugin);

/** Every declaration of ours that the public (not private, protected or @internal) part of `roots` names, and who names it. */
function reachable(roots: readonly ts.Symbol[]): Map<ts.Symbol, string> {
  const seen = new Map<ts.Symbol, string>();
  const queue = [...roots];
  const reach = (symbol: ts.Symbol | undefined, from: string) => {
    if (!symbol) return;
    const target = resolveAlias(symbol);
    if (target.flags & ts.SymbolFlags.TypeParameter || seen.has(target)) return;
    // Ours alone: Phaser's Scene, which the plugin augments, is Phaser's to export.
    const declarations = target.declarations ?? [];
    if (declarations.length === 0 || !declarations.every(isOwn)) return;
    seen.set(target, from);
    queue.push(target);
  };
  const visit = (node: ts.Node, from: string): void => {
    if (ts.isBlock(node) || isHidden(node)) return;
    if (isInternal(node)) {
      // An @internal constructor is stripped, but its public parameter properties stay in the .d.ts.
      if (ts.isConstructorDeclaration(node)) for (const p of node.parameters) if (ts.getModifiers(p)?.length) visit(p, from);
      return;
    }
    if (ts.isTypeReferenceNode(node)) reach(checker.getSymbolAtLocation(node.typeName), from);
    else if (ts.isExpressionWithTypeArguments(node)) reach(checker.getSymbolAtLocation(node.expression), from);
    else if (ts.isTypeQueryNode(node)) reach(checker.getSymbolAtLocation(node.exprName), from);
    else if ((ts.isPropertyDeclaration(node) || ts.isGetAccessorDeclaration(node)) && !node.type) {
      // An inferred member type (e.g. `readonly memory = new ConversationMemory()`) is public too.
      const type = checker.getTypeAtLocation(node);
      reach(type.aliasSymbol ?? type.getSymbol(), from);
    }
    ts.forEachChild(node, (child) => visit(child, from));
  };
  for (let symbol = queue.shift(); symbol; symbol = queue.shift()) {
    for (const decl of symbol.declarations ?? []) if (isOwn(decl)) visit(decl, symbol.name);
  }
  return seen;
}

describe('the package entries', () => {
  it('export every type their public signatures name', () => {
    const exported = new Set(entries.flatMap(exportsOf));
    const missing = [...reachable([...exported])]
      .filter(([symbol]) => !exported.has(symbol))
      .map(([symbol, from]) => `${symbol.name} (named by ${from})`);
    expect(missing).toEqual([]);
  });

  it('keep Phaser out of the audio and live entries, types included', () => {
    for (const entry of entries.slice(1)) {
      const files = new Set<string>();
      const walk = (file: string) => {
        if (files.has(file)) return;
        files.add(file);
        const source = program.getSourceFile(file);
        if (!source) return;
        for (const statement of source.statements) {
          if (!(ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) || !statement.moduleSpecifier) continue;
          const name = (statement.moduleSpecifier as ts.StringLiteral).text;
          const resolved = ts.resolveModuleName(name, file, config.options, ts.sys).resolvedModule;
          if (name === 'phaser' || name.startsWith('phaser/')) files.add(`phaser (imported by ${file})`);
          else if (resolved && !resolved.isExternalLibraryImport) walk(resolved.resolvedFileName);
        }
      };
      walk(entry);
      expect(
        [...files].filter((f) => f.startsWith('phaser')),
        entry,
      ).toEqual([]);
      expect(files.size, entry).toBeGreaterThan(5);
    }
  });
});
