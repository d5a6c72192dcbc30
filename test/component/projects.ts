/**
 * Test projects for the component: fresh projen Python projects (pip/setuptools, poetry, uv) in temp dirs.
 * Always a mkdtemp outdir: projen's Testing.synth deletes the outdir it synthesized.
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { LogLevel, Project, Testing, cdk, javascript, python } from 'projen';
import { parse } from 'yaml';

export type PythonFlavour = 'pip' | 'poetry' | 'uv';
export const FLAVOURS: PythonFlavour[] = ['pip', 'poetry', 'uv'];

export function tempOutdir(): string {
  return mkdtempSync(join(tmpdir(), 'pypi-release-'));
}

/**
 * A PythonProject the way docs/adopt.md configures it (no sample, no pytest, projen's version 0.0.0), over a new
 * directory that already has the given files (the project's own pyproject.toml, ...).
 */
export function adoptedPythonProject(files: Record<string, string>, name = 'demo-pkg'): { project: python.PythonProject; outdir: string } {
  const outdir = tempOutdir();
  for (const [path, text] of Object.entries(files)) writeFileSync(join(outdir, path), text);
  const project = new python.PythonProject({
    name,
    moduleName: name.replace(/-/g, '_'),
    authorName: 'Octo',
    authorEmail: 'octo@example.com',
    version: '0.0.0',
    sample: false,
    pytest: false,
    outdir,
    logging: { level: LogLevel.OFF },
  });
  return { project, outdir };
}

export function pythonProject(flavour: PythonFlavour, extra: Partial<python.PythonProjectOptions> = {}): python.PythonProject {
  return new python.PythonProject({
    name: 'demo-pkg',
    moduleName: 'demo_pkg',
    authorName: 'Octo Maintainers',
    authorEmail: 'octo@example.com',
    version: '0.1.0',
    homepage: 'https://github.com/octo-org/demo',
    setuptools: flavour === 'pip',
    poetry: flavour === 'poetry',
    uv: flavour === 'uv',
    outdir: tempOutdir(),
    ...extra,
  });
}

export interface SynthesizedWorkflow {
  readonly path: string;
  readonly text: string;
  readonly doc: Workflow;
}

import type { Workflow } from '../../src/rehearsal/types';

export type { Workflow, WorkflowJob, WorkflowStep } from '../../src/rehearsal/types';

/** Synthesizes the project (once) and returns every file plus the parsed workflows. */
export function synth(project: Project): { files: Record<string, unknown>; workflows: SynthesizedWorkflow[] } {
  const files = Testing.synth(project);
  const workflows = Object.entries(files)
    .filter(([path]) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path))
    .map(([path, text]) => ({ path, text: String(text), doc: parse(String(text)) as Workflow }));
  return { files, workflows };
}

export function workflowAt(result: { workflows: SynthesizedWorkflow[] }, path: string): SynthesizedWorkflow {
  const found = result.workflows.find((w) => w.path === path);
  if (!found) throw new Error(`no workflow at ${path}; have ${result.workflows.map((w) => w.path).join(', ')}`);
  return found;
}

/** A jsii library's Python target, as projen's own release pipeline publishes it. */
export const ACME_PYPI: cdk.JsiiPythonTarget = { distName: 'acme-lib', module: 'acme_lib', trustedPublishing: true };

/** A jsii library with projen's release pipeline (its release_pypi job is what PypiPublishRetrofit rewires). */
export function jsiiProject(publishToPypi: cdk.JsiiPythonTarget = ACME_PYPI, extra: Partial<cdk.JsiiProjectOptions> = {}) {
  return new cdk.JsiiProject({
    name: 'acme-lib',
    author: 'Acme',
    authorAddress: 'dev@acme.example',
    repositoryUrl: 'https://github.com/acme/acme-lib.git',
    defaultReleaseBranch: 'main',
    packageManager: javascript.NodePackageManager.NPM,
    outdir: tempOutdir(),
    publishToPypi,
    ...extra,
  });
}

/** What the upload step runs after moving into its scratch directory: the uploader's own command. */
export function uploaderCommand(run: string | undefined): string {
  const lines = String(run).split('\n');
  const cd = lines.indexOf('cd "$RUNNER_TEMP/pypi-mint-upload"');
  if (cd < 0) throw new Error(`the upload step does not move into its scratch directory: ${run}`);
  return lines.slice(cd + 1).join('\n');
}
