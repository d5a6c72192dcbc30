/**
 * What `pypi:rehearse` runs besides the workflow's own pinned tools: one place for each version and lock path
 * (relative to this package's root; shipped in the npm package, written by `npx projen pins:lock`).
 */

/** trailofbits' pypi-attestations (on sigstore-python): verifies each published file's PEP 740 provenance. */
export { PYPI_ATTESTATIONS_LOCK, PYPI_ATTESTATIONS_VERSION } from '../pypi/verifier';

/** The uv the rehearsal installs with and that setup-uv's stand-in provides: the workflow's pinned uv and its lock. */
export const UV_LOCK = 'requirements/uv.txt';

/** The lowest Python the locked sets are resolved for. */
export const MIN_PYTHON: readonly [number, number] = [3, 10];

/** Where every tool is installed from and checked against its lock. */
export const PYPI_SIMPLE = 'https://pypi.org/simple';
