import { Project } from 'projen';
import { BuildToolSpec } from './build-tool-specs';
import { PypiReleaseConfigError } from './config-error';
import { PythonProjectKind, hasPyproject, hasSetupPy } from './project-facts';
import { UploaderSpec } from './uploader-specs';

/**
 * Refuses build tool / uploader combinations that cannot work, saying why and what would.
 */
export function checkToolCombination(project: Project, kind: PythonProjectKind, build: BuildToolSpec, upload: UploaderSpec): void {
  const pyproject = hasPyproject(project);
  if (kind === 'pip' && !pyproject && !hasSetupPy(project)) {
    throw new PypiReleaseConfigError('this pip project has nothing to build: no setup.py and no pyproject.toml. Create it with setuptools: true (or poetry: true / uv: true), or add a pyproject.toml');
  }
  if (upload.rebuildsFromSource) {
    throw new PypiReleaseConfigError(`${upload.label} cannot upload the files the build job made: it always rebuilds from source, which would put a build inside the job that holds id-token: write; use Uploader.UV or Uploader.TWINE, which upload what ${build.label} built`);
  }
  if (build.requires === 'poetry' && kind !== 'poetry') {
    throw new PypiReleaseConfigError(`${build.label} builds poetry projects only, and this is ${describe(kind)}; use BuildTool.UV or BuildTool.PYPA_BUILD (or create the project with poetry: true)`);
  }
  if (build.requires === 'pyproject' && !pyproject) {
    throw new PypiReleaseConfigError(`${build.label} needs a pyproject.toml, and this project (${describe(kind)}) has none; use BuildTool.UV or BuildTool.PYPA_BUILD`);
  }
  if (upload.needsPyproject && !pyproject) {
    throw new PypiReleaseConfigError(`${upload.label} reads the project's name and version from pyproject.toml, and this project (${describe(kind)}) has none; use Uploader.UV or Uploader.TWINE, which upload dist/ as it is`);
  }
}

function describe(kind: PythonProjectKind): string {
  switch (kind) {
    case 'uv': return 'a uv project';
    case 'poetry': return 'a poetry project';
    case 'setuptools': return 'a pip/setuptools project';
    case 'pip': return 'a pip project';
    default: return 'not a Python project';
  }
}
