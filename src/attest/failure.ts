/**
 * How the attest step fails. A failure is either the job's set-up (inputs, the files in the packages directory, no
 * id-token permission), which no setting can wave through, or Sigstore's side (the OIDC token for it, Fulcio, Rekor,
 * the time limit), which `continue-without-attestations` may turn into a warning. Only `run.ts` prints them.
 */
export type FailureKind = 'setup' | 'sigstore';

export class AttestFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    /** The annotation's title. */
    readonly title: string,
    message: string,
    /** Transient (timeouts, resets, 408/429/5xx): another attempt may succeed. */
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'AttestFailure';
  }

  /** The same failure, no longer retryable, saying why the step stopped trying. */
  final(reason: string): AttestFailure {
    return new AttestFailure(this.kind, this.title, `${this.message} (${reason})`, false);
  }
}

export const setupFailure = (title: string, message: string) => new AttestFailure('setup', title, message);
