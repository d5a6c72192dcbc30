/**
 * What the demo can run on this machine. The publish job needs Debian's python3 (with python3-build to build the
 * distributions) and twine (to upload them); without them the demo still runs everything else and says which step
 * could not run and why.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { DEBIAN_PYTHON } from '../test/support/python-dists';

export interface PythonTooling {
  /** Why the distributions cannot be built here, or undefined when they can. */
  readonly cannotBuild?: string;
  /** Why the upload cannot run here, or undefined when twine is there. */
  readonly cannotUpload?: string;
}

export const TWINE = '/usr/bin/twine';
const INSTALL_HINT = 'apt-get install -y python3-build twine (what .ci/run installs)';

export function checkPythonTooling(pretendMissing: boolean): PythonTooling {
  if (pretendMissing) {
    const why = 'run with --without-python (acting as a machine with only Node and npm)';
    return { cannotBuild: why, cannotUpload: why };
  }
  let cannotBuild: string | undefined;
  if (!existsSync(DEBIAN_PYTHON)) {
    cannotBuild = `${DEBIAN_PYTHON} is not installed; ${INSTALL_HINT}`;
  } else {
    const probe = spawnSync(DEBIAN_PYTHON, ['-m', 'build', '--version'], { encoding: 'utf8', timeout: 30_000 });
    if (probe.status !== 0) cannotBuild = `${DEBIAN_PYTHON} has no 'build' module (Debian package python3-build); ${INSTALL_HINT}`;
  }
  const cannotUpload = existsSync(TWINE) ? undefined : `${TWINE} is not installed (Debian package twine); ${INSTALL_HINT}`;
  return { cannotBuild, cannotUpload };
}
