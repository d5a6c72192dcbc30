import { join } from 'path';
import { Project } from 'projen';
import { PypiReleaseConfigError } from './errors';
import { PACKAGE_ROOT, ShippedFile } from './shipped-file';
import { PYPI_ATTESTATIONS_LOCK } from '../pypi';

/** Where the check scripts and the verifier's locked set live in a user's repository. */
export const VERIFY_DIR = '.github/actions/pypi-verify';
/** After the upload: installable, provenance verified (this package's verify/verify.py). */
export const VERIFY_SCRIPT = `${VERIFY_DIR}/verify.py`;
/** Before the upload: PyPI's upload rules (this package's verify/precheck.py). */
export const PRECHECK_SCRIPT = `${VERIFY_DIR}/precheck.py`;
/** pypi-attestations' hash-locked set, for the verify job. */
export const VERIFY_REQUIREMENTS = `${VERIFY_DIR}/requirements.txt`;

/**
 * Writes the two check scripts and pypi-attestations' hash-locked set into the repository at
 * `.github/actions/pypi-verify/`, as projen-managed files (read-only, tracked, removed with the component), once.
 */
export function vendorVerifyScripts(project: Project): void {
  const root = project.root;
  if (root.tryFindFile(VERIFY_SCRIPT) !== undefined) return;
  const missing = (source: string) => new PypiReleaseConfigError(`${source} is missing; this package was built without the check scripts`);
  new ShippedFile(root, VERIFY_SCRIPT, join(PACKAGE_ROOT, 'verify', 'verify.py'), '#', (body) => body, missing, { executable: true });
  new ShippedFile(root, PRECHECK_SCRIPT, join(PACKAGE_ROOT, 'verify', 'precheck.py'), '#', (body) => body, missing, { executable: true });
  new ShippedFile(root, VERIFY_REQUIREMENTS, join(PACKAGE_ROOT, PYPI_ATTESTATIONS_LOCK), '#', (body) => body, missing);
}
