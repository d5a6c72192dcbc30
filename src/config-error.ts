/** A synth-time configuration error: the message names the offending value and what would work. */
export class PypiReleaseConfigError extends Error {
  constructor(message: string) {
    super(`PypiRelease: ${message}`);
    this.name = 'PypiReleaseConfigError';
  }
}
