/**
 * The layout's rules, checked on the source itself: no part's modules import each other in a circle (at run time,
 * i.e. as compiled: imports used only as types are erased), and the emulator imports nothing of the client's (an
 * oracle that shared the client's constants could not catch the client's mistakes; docs/architecture.md).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '..');
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** A relative specifier as the file it names (`./x` -> `x.ts` or `x/index.ts`), or undefined for a package. */
function resolveLocal(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${relative(ROOT, from)} imports ${specifier}, which names no file`);
}

/** Every module specifier a file names, types included. */
function allImports(file: string): string[] {
  return ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles.map((f) => f.fileName);
}

/** The specifiers the compiled file still requires (imports used only as types are gone). */
function runtimeImports(file: string): string[] {
  const js = ts.transpileModule(readFileSync(file, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    fileName: file,
  }).outputText;
  return [...js.matchAll(/\brequire\((["'])([^"']+)\1\)/g)].map((m) => m[2]);
}

/** Strongly connected components of more than one module (or a module importing itself): the cycles. */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.map((f) => relative(ROOT, f)).sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('source layout', () => {
  const files = sourceFiles(SRC);

  const graphOf = (imports: (file: string) => string[]) =>
    new Map(files.map((file) => [file, imports(file).map((s) => resolveLocal(file, s)).filter((f): f is string => f !== undefined)]));

  test('no import cycles anywhere under src/ as compiled', () => {
    expect(cycles(graphOf(runtimeImports))).toEqual([]);
  });

  // types too: a cycle of type-only imports is erased when compiled but still tangles the modules for a reader
  test('no import cycles under src/, types included', () => {
    expect(cycles(graphOf(allImports))).toEqual([]);
  });

  test('the cycle finder finds a cycle', () => {
    expect(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
  });

  test('the emulator imports nothing from outside src/emulator/ (types included), and not the package itself', () => {
    const emulator = join(SRC, 'emulator');
    const outside = files.filter((f) => f.startsWith(`${emulator}/`)).flatMap((file) => allImports(file)
      .filter((s) => s === 'projen-pypi-mint' || s.startsWith('projen-pypi-mint/')
        || (s.startsWith('.') && !resolveLocal(file, s)!.startsWith(`${emulator}/`)))
      .map((s) => `${relative(ROOT, file)} -> ${s}`));
    expect(outside).toEqual([]);
  });

  test('the emulator has one PEP 503 normalisation', () => {
    const emulator = files.filter((f) => f.startsWith(join(SRC, 'emulator')));
    const copies = emulator.filter((f) => readFileSync(f, 'utf8').includes('[-_.]+'));
    expect(copies.map((f) => relative(ROOT, f))).toEqual(['src/emulator/names.ts']);
  });
});
