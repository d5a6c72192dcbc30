/**
 * zizmor, the GitHub Actions auditor (the pinned wheel `npx projen tools:install` puts in .tools/), run once over many
 * workflows at a time: each file is written under `.github/workflows/` of a temp directory, so zizmor collects them
 * as the workflows they are, and audited offline (no GitHub API) at the given persona. A finding with an inline
 * `# zizmor: ignore[...]` is not returned; every other one is, as "file:line audit (severity): description".
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { basename, join } from 'path';
import { recordOutput } from '../support/leaks';
import { tool } from '../support/tools';

export const ZIZMOR = tool('zizmor');

/** zizmor's personas: `regular` (few false positives) and `pedantic` (code smells too). */
export type ZizmorPersona = 'regular' | 'pedantic';

interface Finding {
  ident: string;
  desc: string;
  ignored: boolean;
  determinations: { severity: string };
  locations: Array<{
    symbolic: { key: { Local?: { given_path?: string; verbatim_path?: string } }; kind: string };
    concrete: { location: { start_point: { row: number } } };
  }>;
}

/** Audits `workflows` (file name -> YAML text) and the directories in `dirs` as they are, in one zizmor run. */
export function zizmorFindings(workflows: Record<string, string>, persona: ZizmorPersona, dirs: string[] = []): string[] {
  if (!existsSync(ZIZMOR)) throw new Error(`${ZIZMOR} is missing: run \`npx projen tools:install\` (the workflow tests audit every workflow with it)`);
  const root = mkdtempSync(join(tmpdir(), 'zizmor-'));
  try {
    const inputs = [...dirs];
    if (Object.keys(workflows).length > 0) {
      const dir = join(root, '.github', 'workflows');
      mkdirSync(dir, { recursive: true });
      for (const [name, text] of Object.entries(workflows)) writeFileSync(join(dir, basename(name)), text);
      inputs.push(root);
    }
    const result = spawnSync(ZIZMOR, ['--offline', '--no-progress', '--no-config', '--no-exit-codes', '--persona', persona, '--format', 'json', ...inputs],
      { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
    recordOutput('zizmor stderr', result.stderr, false);
    if (result.error) throw result.error;
    // findings or not, 0 (--no-exit-codes); anything else is zizmor failing
    if (result.status !== 0) throw new Error(`zizmor exited ${result.status}: ${result.stderr}`);
    const findings = JSON.parse(result.stdout || '[]') as Finding[];
    return findings.filter((f) => !f.ignored).map((f) => {
      const primary = f.locations.find((l) => l.symbolic.kind === 'Primary') ?? f.locations[0];
      const key = primary?.symbolic.key.Local;
      const file = basename(key?.given_path ?? key?.verbatim_path ?? '?');
      return `${file}:${(primary?.concrete.location.start_point.row ?? -1) + 1} ${f.ident} (${f.determinations.severity}): ${f.desc}`;
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
