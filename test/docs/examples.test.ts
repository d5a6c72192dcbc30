/**
 * Every code example in README.md and docs/ works as written:
 * - TypeScript type-checks against this package's source (`projen-pypi-mint` resolves to src/index.ts);
 * - Python parses, imports only what the package exports, and passes only keyword arguments that are options of
 *   the class it calls (jsii turns `testPypiFirst` into `test_pypi_first`);
 * - YAML parses, and a workflow passes actionlint; JSON parses, and an emulator config passes the emulator's own
 *   validation; shell parses (`bash -n`).
 * A block in another language, or without one, is prose (a file tree, a log) and is not checked.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as ts from 'typescript';
import { parse as parseYaml } from 'yaml';
import { validateConfig } from '../../src/emulator/config';
import { actionlintFindings } from '../component/linters';

const ROOT = join(__dirname, '..', '..');
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];

interface Example {
  readonly doc: string;
  readonly line: number;
  readonly lang: string;
  readonly code: string;
}

function examplesOf(doc: string): Example[] {
  const lines = readFileSync(join(ROOT, doc), 'utf8').split('\n');
  const found: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    found.push({ doc, line: start + 1, lang: open[1], code: body.join('\n') + '\n' });
  }
  return found;
}

const EXAMPLES = DOCS.flatMap(examplesOf);
const byLang = (...langs: string[]) => EXAMPLES.filter((e) => langs.includes(e.lang));
const label = (e: Example) => `${e.doc}:${e.line}`;

// ---- TypeScript ---------------------------------------------------------------------------------------------------

/** One program for every TypeScript example, each a virtual file beside its markdown file (relative imports work). */
function typeCheck(examples: Example[]): Map<string, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.dev.json'), {}, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  })!;
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: true,
    noUnusedLocals: false,
    paths: { 'projen-pypi-mint': [join(ROOT, 'src', 'index.ts')] },
  };
  const virtual = new Map(examples.map((e) => [join(ROOT, dirname(e.doc), `example-${e.line}.ts`), e]));
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => virtual.get(f)?.code ?? readFile(f);
  host.fileExists = (f) => virtual.has(f) || fileExists(f);
  host.getSourceFile = (f, v, onError) => {
    const e = virtual.get(f);
    return e ? ts.createSourceFile(f, e.code, v) : getSourceFile(f, v, onError);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  const problems = new Map<string, string[]>();
  for (const [file, e] of virtual) {
    const diagnostics = ts.getPreEmitDiagnostics(program, program.getSourceFile(file));
    problems.set(label(e), diagnostics.map((d) => {
      const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
      return `line ${at}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
    }));
  }
  return problems;
}

// ---- Python -------------------------------------------------------------------------------------------------------

/** What a Python example imports from projen_pypi_mint and which keyword arguments it passes to which name. */
interface PythonUse {
  readonly error?: string;
  readonly imports: string[];
  readonly calls: Array<{ name: string; keywords: string[] }>;
}

const PY_INSPECT = `
import ast, json, sys
try:
    tree = ast.parse(sys.stdin.read())
except SyntaxError as e:
    print(json.dumps({"error": f"line {e.lineno}: {e.msg}", "imports": [], "calls": []})); sys.exit(0)
imports = [a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module == "projen_pypi_mint" for a in n.names]
calls = [{"name": n.func.id if isinstance(n.func, ast.Name) else n.func.attr, "keywords": [k.arg for k in n.keywords if k.arg]}
         for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, (ast.Name, ast.Attribute))]
print(json.dumps({"imports": imports, "calls": calls}))
`;

function inspectPython(code: string): PythonUse {
  const r = spawnSync('python3', ['-c', PY_INSPECT], { input: code, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as PythonUse;
}

/** The package's exports and, for each class, the properties of its options interface (from the type checker). */
function packageApi(): { exports: Set<string>; optionsOf: Map<string, Set<string>> } {
  const entry = join(ROOT, 'src', 'index.ts');
  const program = ts.createProgram([entry], { strict: true, noEmit: true });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const symbols = checker.getExportsOfModule(moduleSymbol);
  const exports = new Set(symbols.map((s) => s.name));
  const optionsOf = new Map<string, Set<string>>();
  for (const s of symbols) {
    const options = symbols.find((o) => o.name === `${s.name}Options`);
    if (!options) continue;
    const type = checker.getDeclaredTypeOfSymbol(options);
    optionsOf.set(s.name, new Set(checker.getPropertiesOfType(type).map((p) => p.name)));
  }
  return { exports, optionsOf };
}

const snakeToCamel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

// ---- the tests ----------------------------------------------------------------------------------------------------

test('the docs have examples in every checked language', () => {
  expect(byLang('ts').length).toBeGreaterThanOrEqual(4);
  expect(byLang('python').length).toBeGreaterThanOrEqual(3);
  expect(byLang('yaml').length).toBeGreaterThanOrEqual(2);
  expect(byLang('json').length).toBeGreaterThanOrEqual(1);
});

describe('TypeScript examples type-check against the package', () => {
  const problems = typeCheck(byLang('ts', 'typescript'));
  test.each([...problems.keys()])('%s', (where) => {
    expect(problems.get(where)).toEqual([]);
  });
});

describe('Python examples use only what the bindings export', () => {
  const api = packageApi();
  test.each(byLang('python', 'py').map((e) => [label(e), e] as const))('%s', (_where, e) => {
    const use = inspectPython(e.code);
    expect(use.error).toBeUndefined();
    expect(use.imports.filter((name) => !api.exports.has(name))).toEqual([]);
    const wrong: string[] = [];
    for (const call of use.calls) {
      const options = api.optionsOf.get(call.name);
      if (!options || !use.imports.includes(call.name)) continue;
      for (const k of call.keywords) if (!options.has(snakeToCamel(k))) wrong.push(`${call.name}(${k}=...)`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('YAML examples parse, and workflows pass actionlint', () => {
  test.each(byLang('yaml', 'yml').map((e) => [label(e), e] as const))('%s', async (_where, e) => {
    const doc = parseYaml(e.code) as { jobs?: unknown } | null;
    expect(doc).toBeTruthy();
    if (doc?.jobs) {
      // an example may leave an action's SHA to the reader; actionlint cannot know which one
      expect(await actionlintFindings(e.code, `${relative(ROOT, e.doc)}-${e.line}.yml`)).toEqual([]);
    }
  });
});

describe('JSON examples parse, and emulator configs pass the emulator\'s validation', () => {
  test.each(byLang('json').map((e) => [label(e), e] as const))('%s', (_where, e) => {
    const value = JSON.parse(e.code) as Record<string, unknown>;
    if (e.doc === 'docs/emulator.md' && !('indexUrl' in value)) expect(() => validateConfig(value)).not.toThrow();
  });
});

describe('shell examples parse', () => {
  test.each(byLang('sh', 'bash', 'shell').map((e) => [label(e), e] as const))('%s', (_where, e) => {
    const r = spawnSync('bash', ['-n'], { input: e.code, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
