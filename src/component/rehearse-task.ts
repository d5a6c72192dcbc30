import { readFileSync } from 'fs';
import { join } from 'path';
import { Project } from 'projen';
import { PypiIndex } from './indexes';
import { PACKAGE_ROOT } from './shipped-file';

/** The task that rehearses a release of the project's default workflow file (others get `pypi:rehearse:<name>`). */
export const REHEARSE_TASK = 'pypi:rehearse';

/** The command this package ships for it (package.json `bin`, bundled into lib/rehearsal/cli.cjs). */
export const REHEARSE_BIN = 'pypi-mint-rehearse';

/** This package's name and version, as installed: the task runs the rehearsal of the same release. */
function ownPackage(): { name: string; version: string } {
  return JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf-8')) as { name: string; version: string };
}

/** A value as one shell word (projen runs task commands through the shell). */
function shellWord(value: string): string {
  return /^[A-Za-z0-9_./:@=+-]+$/.test(value) ? value : `'${value.replace(/'/g, '\'\\\'\'')}'`;
}

export interface RehearseTaskSettings {
  readonly workflowFileName: string;
  readonly repository: string;
  readonly distributionName: string;
  readonly indexes: PypiIndex[];
}

/**
 * Adds `pypi:rehearse` (`npx projen pypi:rehearse --tag v1.2.3`): the release a push of the tag would start, on this
 * machine, against a loopback emulator. It runs this package's `pypi-mint-rehearse` at the version the project pins:
 * npx uses the copy in node_modules when the project has it at that version (a `.projenrc.ts` project), and fetches
 * exactly that version from npm otherwise (a `.projenrc.py` project, whose Python package has the same version).
 */
export function addRehearseTask(project: Project, settings: RehearseTaskSettings): void {
  const defaultFile = settings.workflowFileName === 'release.yml';
  const name = defaultFile ? REHEARSE_TASK : `${REHEARSE_TASK}:${settings.workflowFileName.replace(/\.ya?ml$/, '')}`;
  if (project.tasks.tryFind(name) !== undefined) return;
  const pkg = ownPackage();
  const args = [
    '--workflow', settings.workflowFileName,
    '--repository', settings.repository,
    '--project', settings.distributionName,
    ...settings.indexes.flatMap((i) => ['--index', i.name, '--display-name', i.displayName, '--upload-url', i.uploadUrl,
      '--web-url', i.webUrl, '--environment', i.environment]),
  ];
  project.addTask(name, {
    description: `Rehearse the release a push of a tag would start (${settings.workflowFileName}), on this machine against a loopback PyPI, ` +
      'GitHub OIDC and Sigstore emulator: --tag <tag> [--publisher owner/repo:workflow.yml@environment]',
    exec: `npx --yes --package=${pkg.name}@${pkg.version} -- ${REHEARSE_BIN} ${args.map(shellWord).join(' ')}`,
    receiveArgs: true,
  });
}

export interface GitlabRehearseTaskSettings {
  /** "namespace/project" on gitlab.com. */
  readonly projectPath: string;
  readonly distributionName: string;
  readonly indexes: PypiIndex[];
}

/**
 * Adds `pypi:rehearse` for PypiGitlabRelease: the pipeline a push of the tag would start on gitlab.com (the tagged
 * commit's `.gitlab-ci.yml`, its jobs in stage order), on this machine against a loopback emulator of each index,
 * GitLab's OIDC issuer and Sigstore. The same command as for GitHub, told the GitLab project instead of a workflow.
 */
export function addGitlabRehearseTask(project: Project, settings: GitlabRehearseTaskSettings): void {
  if (project.tasks.tryFind(REHEARSE_TASK) !== undefined) return;
  const pkg = ownPackage();
  const args = [
    '--gitlab-project', settings.projectPath,
    '--project', settings.distributionName,
    ...settings.indexes.flatMap((i) => ['--index', i.name, '--display-name', i.displayName, '--upload-url', i.uploadUrl,
      '--web-url', i.webUrl, '--environment', i.environment]),
  ];
  project.addTask(REHEARSE_TASK, {
    description: 'Rehearse the GitLab pipeline a push of a tag would start (.gitlab-ci.yml), on this machine against a loopback PyPI, '
      + 'GitLab OIDC and Sigstore emulator: --tag <tag>',
    exec: `npx --yes --package=${pkg.name}@${pkg.version} -- ${REHEARSE_BIN} ${args.map(shellWord).join(' ')}`,
    receiveArgs: true,
  });
}
