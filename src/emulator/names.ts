/**
 * Project names as the emulated index compares them, defined once for its three services (the PyPI routes, the
 * attestation verifier). The emulator's own copy, not the client's (src/pypi): an oracle that shared the client's
 * helper could not catch the client's mistakes.
 */

/** PEP 503 normalisation: lower case, runs of `-`, `_`, `.` become one `-`. */
export function normalizeProjectName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The name as wheel and modern sdist file names spell it (PEP 427 / 625): normalised, with `_` for `-`. */
export function fileNamePrefix(name: string): string {
  return normalizeProjectName(name).replace(/-/g, '_');
}
