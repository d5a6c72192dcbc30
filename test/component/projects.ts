/**
 * Test projects for the component: fresh projen Python projects (pip/setuptools, poetry, uv) in temp dirs.
 * Always a mkdtemp outdir: projen's Testing.synth deletes the outdir it synthesized.
 */
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Project, Testing, python } from 'projen';
import { parse } from 'yaml';

export type PythonFlavour = 'pip' | 'poetry' | 'uv';
export const FLAVOURS: PythonFlavour[] = ['pip', 'poetry', 'uv'];

export function tempOutdir(): string {
  return mkdtempSync(join(tmpdir(), 'pypi-release-'));
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

/** The parts of a workflow document the tests read. */
export interface Workflow {
  name?: string;
  on: Record<string, unknown>;
  permissions?: unknown;
  concurrency?: unknown;
  jobs: Record<string, WorkflowJob>;
}
export interface WorkflowJob {
  'name'?: string;
  'needs'?: string | string[];
  'permissions'?: Record<string, string> | string;
  'environment'?: { name?: string; url?: string } | string;
  'steps'?: WorkflowStep[];
  'uses'?: string;
  'if'?: string;
  'runs-on'?: unknown;
}
export interface WorkflowStep {
  id?: string;
  if?: string;
  name?: string;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

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
