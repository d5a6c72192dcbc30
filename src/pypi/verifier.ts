/**
 * The provenance verifier, defined once for the verify job the component generates and for `pypi:rehearse`:
 * trailofbits' pypi-attestations (on sigstore-python, what PyPI itself runs at upload) at an exact version, and
 * its hash-locked set (relative to this package's root; shipped in the npm package, written by `npx projen pins:lock`).
 */
export const PYPI_ATTESTATIONS_VERSION = '0.0.30';
export const PYPI_ATTESTATIONS_LOCK = 'requirements/pypi-attestations.txt';
