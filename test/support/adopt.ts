/**
 * docs/adopt.md, executed: its `sh` blocks in order and its `.projenrc.ts`, in a repository that already exists. The
 * only substitutions are the ones the page tells the reader to make (their name, module, repository, ignore and
 * attribute lines) and the package itself: this working tree's `npm pack` instead of the registry's release. The one
 * step the page leaves to the reader (adding the sdist lines synth prints) is done from the printed text.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './local-package';
import { NODE24 } from './node';
import { installedPython } from './tools';
import { TOOLS_DIR } from '../../scripts/tools/catalog';

const DOC = join(REPO_ROOT, 'docs', 'adopt.md');

export interface DocBlock {
  readonly lang: string;
  readonly line: number;
  readonly code: string;
}

export function adoptDocBlocks(): DocBlock[] {
  const lines = readFileSync(DOC, 'utf8').split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    blocks.push({ lang: open[1], line: start + 1, code: `${body.join('\n')}\n` });
  }
  return blocks;
}

export interface AdoptionInput {
  readonly dir: string;
  /** The npm tarball of this package (`npm pack`). */
  readonly tarball: string;
  /** `[project].name`, as the page says to set `name`. */
  readonly name: string;
  readonly moduleName: string;
  readonly repository: string;
  readonly readme: string;
  readonly ignores: string[];
  readonly attributes: Array<[string, ...string[]]>;
  readonly env: NodeJS.ProcessEnv;
  /** The version the project releases (the page's example tags `v2024.1`). */
  readonly version: string;
}

export interface AdoptionResult {
  /** Each sh block's combined output and wall time, in order. */
  readonly outputs: Array<{ line: number; output: string; seconds: number }>;
  /** The rehearsal's output and how long it took. */
  readonly rehearsal?: { output: string; seconds: number };
  /** The sdist lines synth printed (and that were added), or undefined when it printed none. */
  readonly sdistAdvice?: { file: string; lines: string[] };
  /** The output of the synth after the lines were added. */
  readonly finalSynth: string;
}

/** The `.projenrc.ts` of the page, with the reader's values. */
export function projenrcFor(input: AdoptionInput): string {
  const ts = adoptDocBlocks().filter((b) => b.lang === 'ts');
  if (ts.length !== 1) throw new Error(`docs/adopt.md should have exactly one ts block, has ${ts.length}`);
  let code = ts[0].code;
  const replace = (from: string, to: string) => {
    if (!code.includes(from)) throw new Error(`docs/adopt.md's .projenrc.ts no longer contains ${from}`);
    code = code.split(from).join(to);
  };
  replace("name: 'example'", `name: ${JSON.stringify(input.name)}`);
  replace("moduleName: 'example'", `moduleName: ${JSON.stringify(input.moduleName)}`);
  replace("repository: 'octo-org/example'", `repository: ${JSON.stringify(input.repository)}`);
  replace("readme: { filename: 'README.md' }", `readme: { filename: ${JSON.stringify(input.readme)} }`);
  replace("project.gitignore.exclude('/node_modules/', '.venv/', '/site/');", `project.gitignore.exclude(${['/node_modules/', ...input.ignores].map((l) => JSON.stringify(l)).join(', ')});`);
  replace("project.gitattributes.addAttributes('.git_archival.txt', 'export-subst');", input.attributes.map((a) => `project.gitattributes.addAttributes(${a.map((x) => JSON.stringify(x)).join(', ')});`).join('\n'));
  return code;
}

/** One block in bash, without blocking the event loop (other adoptions run at the same time). */
function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd, env, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`;
        if (error) reject(new Error(`docs/adopt.md block failed (exit ${String(error.code)}) in ${cwd}:\n${script}\n${output}`));
        else resolve(output);
      });
  });
}

/** The lines synth asked to add, parsed from its log. */
export function sdistAdviceIn(log: string): { file: string; lines: string[]; intoTable?: string } | undefined {
  const at = /out of your sdist \(build backend [^)]+\): add to (\S+?)(?:, in its (\[\S+\]) table \([^)]*\))?\n\n((?: {4}.*\n)+)/.exec(log);
  return at ? { file: at[1], intoTable: at[2], lines: at[3].trimEnd().split('\n').map((l) => l.slice(4)) } : undefined;
}

/** What the reader does with the advice: append it, or put the key into the table the file already has. */
function applyAdvice(dir: string, advice: { file: string; lines: string[]; intoTable?: string }): void {
  const path = join(dir, advice.file);
  if (!advice.intoTable) {
    appendFileSync(path, `\n${advice.lines.join('\n')}\n`);
    return;
  }
  const text = readFileSync(path, 'utf8').split('\n');
  const header = text.findIndex((l) => l.trim() === advice.intoTable);
  if (header < 0) throw new Error(`${advice.file} has no ${advice.intoTable} table`);
  let end = header + 1;
  while (end < text.length && !/^\s*\[/.test(text[end])) end++;
  const key = advice.lines[0].split(' ')[0];
  const body = text.slice(header + 1, end);
  const at = body.findIndex((l) => l.trim().startsWith(`${key} `) || l.trim().startsWith(`${key}=`));
  if (at >= 0) {
    let stop = at;
    while (!body[stop].includes(']')) stop++;
    body.splice(at, stop - at + 1, ...advice.lines);
  } else {
    body.unshift(...advice.lines);
  }
  writeFileSync(path, [...text.slice(0, header + 1), ...body, ...text.slice(end)].join('\n'));
}

/** Follows docs/adopt.md in `input.dir` (a git repository with its own pyproject.toml). */
export async function adoptByTheDocs(input: AdoptionInput): Promise<AdoptionResult> {
  const outputs: Array<{ line: number; output: string; seconds: number }> = [];
  let sdistAdvice: { file: string; lines: string[] } | undefined;
  let finalSynth = '';
  let rehearsal: { output: string; seconds: number } | undefined;
  for (const block of adoptDocBlocks()) {
    if (block.lang === 'ts') {
      writeFileSync(join(input.dir, '.projenrc.ts'), projenrcFor(input));
      continue;
    }
    if (block.lang !== 'sh') continue;
    const script = block.code.replace(/ projen-pypi-mint$/m, ` ${input.tarball}`).split('v2024.1').join(`v${input.version}`);
    const started = Date.now();
    const output = await bash(script, input.dir, input.env);
    outputs.push({ line: block.line, output, seconds: (Date.now() - started) / 1000 });
    if (/pypi:rehearse/.test(block.code)) rehearsal = { output, seconds: (Date.now() - started) / 1000 };
    if (/npx projen$/m.test(block.code)) {
      // the step the page leaves to the reader: add the printed lines, synth again
      sdistAdvice = sdistAdviceIn(output);
      if (sdistAdvice) {
        applyAdvice(input.dir, sdistAdvice);
        finalSynth = await bash('npx projen', input.dir, input.env);
      } else {
        finalSynth = output;
      }
    }
  }
  return { outputs, sdistAdvice, finalSynth, rehearsal };
}

/**
 * What `npx projen pypi:rehearse` needs from this machine, as a reader's shell would have it: a Python with pip
 * (`PYTHON`), a Node 24 (`PYPI_MINT_NODE24`), and a cache for the pinned uv and pypi-attestations that every run of
 * the test suite shares (`XDG_CACHE_HOME`).
 */
export function rehearsalEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...base,
    PYTHON: installedPython(),
    PYPI_MINT_NODE24: NODE24,
    XDG_CACHE_HOME: join(TOOLS_DIR, 'adopt-cache'),
    // npm's cache is shared by every adoption of the run: reuse what it holds instead of asking the registry again
    // (the same packages, the same integrity checks), and skip the audit and funding requests of each install
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
}
