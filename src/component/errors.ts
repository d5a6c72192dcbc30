/**
 * Synth-time errors, one class per component so each message starts with the component the user configured. A
 * message names the offending value and what would work.
 */

/** Something that turns a message into the error a component throws (validators shared by components take one). */
export type ConfigErrorClass = new (message: string) => Error;

/** A wrong PypiRelease option (or a project PypiRelease cannot release). */
export class PypiReleaseConfigError extends Error {
  constructor(message: string) {
    super(`PypiRelease: ${message}`);
    this.name = 'PypiReleaseConfigError';
  }
}

/** A wrong PypiPublishRetrofit option, or a release pipeline it cannot rewire. */
export class PypiPublishRetrofitConfigError extends Error {
  constructor(message: string) {
    super(`PypiPublishRetrofit: ${message}`);
    this.name = 'PypiPublishRetrofitConfigError';
  }
}

/** PypiMintAction added where it cannot work, or this package shipped without its action. */
export class PypiMintActionError extends Error {
  constructor(message: string) {
    super(`PypiMintAction: ${message}`);
    this.name = 'PypiMintActionError';
  }
}

/** PypiAttestAction added where it cannot work, or this package shipped without its attest action. */
export class PypiAttestActionError extends Error {
  constructor(message: string) {
    super(`PypiAttestAction: ${message}`);
    this.name = 'PypiAttestActionError';
  }
}
