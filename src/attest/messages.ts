/**
 * Every sentence the attest step says to a user, in one place (as the mint step's messages.ts): the failures (a
 * stable code, a title for the annotation, a message that says what happened and what to do), the log lines and
 * the step summary's words. A failure is either the job's set-up (inputs, the files in the packages directory, no
 * id-token permission), which no setting can wave through, or Sigstore's side (the OIDC token for it, Fulcio, Rekor,
 * what they returned not verifying, the time limit), which `continue-without-attestations` may turn into a warning.
 * Text a server wrote reaches these templates only after redaction, and the summary shows it only in code spans.
 */
import { OUT_OF_TIME } from '../kit/failure';
import type { HttpWords } from '../kit/http';
import type { OidcWords } from '../kit/oidc';
import { OUT_OF_TIME_TITLE, idTokenVariableWords, oidcRequestWords, plural, transportWords, urlWords, type KitFailureCode, type StepSay } from '../kit/words';

export type FailureKind = 'setup' | 'sigstore';

/** The kit's codes (its transport, the OIDC request) and the attest step's own. */
export type FailureCode = KitFailureCode | 'missing-id-token-permission'
  | 'invalid-input' | 'no-distributions' | 'not-a-distribution' | 'invalid-distribution-name' | 'already-attested'
  | 'fulcio-refused' | 'fulcio-invalid-response' | 'identity-mismatch' | 'rekor-refused' | 'rekor-invalid-response'
  | 'trusted-root-unavailable' | 'verification-failed' | 'write-failed' | 'internal';

export class AttestFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly code: FailureCode,
    /** The annotation's title. */
    readonly title: string,
    message: string,
    /** Transient (timeouts, resets, 408/429/5xx): another attempt may succeed. */
    readonly retryable = false,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'AttestFailure';
  }

  withSuffix(suffix: string, retryable = this.retryable): AttestFailure {
    return new AttestFailure(this.kind, this.code, this.title, `${this.message}${suffix}`, retryable, this.retryAfterMs);
  }
}

const setup = (code: FailureCode, title: string, message: string) => new AttestFailure('setup', code, title, message);
const sigstore = (code: FailureCode, title: string, message: string, retryable = false, retryAfterMs?: number) =>
  new AttestFailure('sigstore', code, title, message, retryable, retryAfterMs);
const listed = (names: readonly string[]) => names.map((n) => `'${n}'`).join(', ');
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export const failures = {
  internal: () => sigstore('internal', 'Unexpected error in the attest step', 'Signing failed unexpectedly; no attestation was written.'),

  // inputs and the packages directory
  invalidInput: (name: string, message: string) => setup('invalid-input', `Invalid ${name} input`, message),
  url: urlWords,
  serviceQuery: (name: string) => `${name} must not have a query or fragment.`,
  notSigstore: (name: string, production: string) => `${name} must be Sigstore's public instance (${production}) or a ` +
    'loopback test stand-in: PyPI verifies attestations against Sigstore\'s public trusted root only, so anything signed ' +
    'elsewhere would be refused at upload.',
  mixedInstances: 'fulcio-url and rekor-url are both Sigstore\'s public instance or both loopback test stand-ins: one ' +
    'trusted root must cover the certificate and the log entry.',
  notBoolean: (name: string, raw: string) => `${name} must be true or false (got '${raw.slice(0, 40)}').`,
  controlCharacters: (name: string) => `${name} contains control characters.`,
  noPackagesDir: (dir: string) => setup('no-distributions', 'No distributions to attest',
    `The packages directory '${dir}' does not exist or is not a directory: download the built distributions into it ` +
    'before the attest step.'),
  emptyPackagesDir: (dir: string) => setup('no-distributions', 'No distributions to attest',
    `The packages directory '${dir}' is empty: download the built distributions into it before the attest step.`),
  alreadyAttested: (dir: string, names: readonly string[]) => setup('already-attested', 'Distributions already attested',
    `${dir} already holds publish attestations (${listed(names)}). This step signs the files this job downloaded, once: ` +
    'remove attestations from the build artifact, and give each publish job its own download.'),
  notDistributions: (dir: string, names: readonly string[]) => setup('not-a-distribution', 'Not a distribution',
    `${dir} holds files that are not distributions (${listed(names)}). Only wheels (.whl) and sdists (.tar.gz, .zip) ` +
    'are attested and uploaded; leave everything else out of the packages directory.'),
  notFiles: (dir: string, names: readonly string[]) => setup('not-a-distribution', 'Not a distribution',
    `${listed(names)} in ${dir} ${names.length === 1 ? 'is' : 'are'} not a regular file (a directory left by an artifact ` +
    'download?). Download the distributions themselves into the packages directory.'),
  badNames: (dir: string, problems: readonly string[]) => setup('invalid-distribution-name', 'Invalid distribution file name',
    `${dir} holds ${problems.length === 1 ? 'a file whose name is' : 'files whose names are'} not a valid distribution ` +
    `file name (PEP 427 for wheels, PEP 625 for sdists, as packaging.utils parses them): ${problems.join('; ')}. ` +
    'PyPI refuses such names; rebuild with a current build backend.'),
  nameWhy: {
    wheelParts: 'a wheel name has 5 or 6 dash-separated parts (name-version[-build]-python-abi-platform)',
    project: 'the project name is not letters, digits, `.` and `_` (starting and ending with a letter or digit)',
    version: 'the version is not a PEP 440 version',
    build: 'the build tag does not start with a digit',
    tags: 'a compatibility tag is not lower-case letters, digits, `_` and `.`',
    sdistName: 'an sdist name is name-version.tar.gz, its name normalised (lower case, `_` for runs of `-_.`)',
  },

  // the OIDC token
  missingIdToken: () => setup('missing-id-token-permission', 'No OIDC token available',
    'GitHub gave this job no way to request an OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL or ACTIONS_ID_TOKEN_REQUEST_TOKEN ' +
    'is not set). Signing needs `permissions: id-token: write` on the job; fork pull requests never get it.'),
  oidcNoSubject: () => sigstore('oidc-invalid-response', 'OIDC token request failed', 'The OIDC token has no subject (sub) to prove possession of.'),
  oidcExpired: () => sigstore('oidc-invalid-response', 'OIDC token request failed', 'GitHub issued an OIDC token that has already expired.', true),

  // Fulcio
  fulcioStatus: (status: number, said: string, retryable: boolean, retryAfterMs?: number) => sigstore('fulcio-refused',
    'Fulcio refused a signing certificate', `Fulcio answered HTTP ${status}${said ? `: ${said}` : ''}. ` +
    (status === 400 || status === 401 || status === 403
      ? 'Fulcio did not accept the job\'s identity token (is the OIDC issuer one Fulcio trusts?).' : 'No signing certificate was issued.'),
    retryable, retryAfterMs),
  fulcioGarbage: (what: string) => sigstore('fulcio-invalid-response', 'Unusable answer from Fulcio',
    `Fulcio answered without a usable signing certificate (${what}).`),
  fulcioWhy: {
    notJson: 'the body is not JSON',
    noChain: 'no certificate chain',
    unparseable: 'the first certificate does not parse',
    otherKey: 'the certificate is for another key',
    notValidNow: (from: string, to: string) => `the certificate is not valid now (${from} to ${to})`,
  },
  identityMismatch: (field: string, certified: string | undefined, expected: string) => sigstore('identity-mismatch',
    'Fulcio certified another identity', `The signing certificate's ${field} is ${certified === undefined ? 'missing' : `'${certified}'`}, ` +
    `but this job's OIDC token says '${expected}'. Nothing was signed with it: an attestation under another identity would be ` +
    'refused by PyPI, or worse, accepted for someone else\'s publisher.'),
  identityFields: {
    san: 'subject alternative name (the job\'s workflow)',
    issuer: 'OIDC issuer (1.3.6.1.4.1.57264.1.8)',
    repository: 'source repository URI (1.3.6.1.4.1.57264.1.12)',
    ref: 'source repository ref (1.3.6.1.4.1.57264.1.14)',
    workflow: 'build config URI (1.3.6.1.4.1.57264.1.18)',
  },

  // Rekor
  rekorStatus: (status: number, said: string, retryable: boolean, retryAfterMs?: number) => sigstore('rekor-refused',
    'Rekor refused the log entry', `Rekor answered HTTP ${status}${said ? `: ${said}` : ''}.`, retryable, retryAfterMs),
  rekorGarbage: (what: string) => sigstore('rekor-invalid-response', 'Unusable answer from Rekor',
    `Rekor answered with a log entry that cannot go into an attestation: ${what}.`),
  rekorWhy: {
    notJson: 'the body is not JSON',
    entries: (n: number) => `${n} entries instead of one`,
    kind: (kind: string, version: string) => `kind ${kind} ${version} instead of dsse 0.0.1`,
    fields: 'no log index, integrated time or log id',
    promise: 'no signed entry timestamp (inclusion promise)',
    proof: 'no inclusion proof with a checkpoint',
    body: 'its body is not the envelope that was sent',
    conflict: 'Rekor says the entry exists but names no location for it',
  },

  // verification, before anything is written
  trustedRootUnavailable: (why: string) => sigstore('trusted-root-unavailable', 'No trusted root to verify against',
    `The Sigstore trusted root could not be read (${why}); nothing is written unverified.`),
  verificationFailed: (name: string, why: string) => sigstore('verification-failed', 'Attestation does not verify',
    `The attestation for ${name} does not verify against Sigstore's trusted root (${why}). Nothing was written: PyPI ` +
    'would refuse it at upload.'),
  rootHashMismatch: 'the inclusion proof\'s root hash is not the checkpoint\'s',

  // time and writing
  outOfTime: (totalMs: number) => sigstore(OUT_OF_TIME, OUT_OF_TIME_TITLE, `Signing did not finish within ${totalMs / 1000} s.`),
  /** The failure the time limit left no room to retry, titled as the limit (the step's race may end it the same moment). */
  retriesOutOfTime: (last: AttestFailure, note: string) => sigstore(OUT_OF_TIME, OUT_OF_TIME_TITLE, `${last.message}\n${note}`),
  writeFailed: (errno: string) => setup('write-failed', 'Could not write the attestations',
    errno === 'EEXIST' ? 'An attestation file appeared while signing; none was written (nothing is overwritten).'
      : `Writing an attestation failed (${errno}); none was written.`),
};

/** The attest step's failures, as the kit's shared words make them: the job's set-up, or Sigstore's side. */
const said: StepSay<AttestFailure> = {
  make: (f) => new AttestFailure(f.setup ? 'setup' : 'sigstore', f.code, f.title, f.message, f.retryable, f.retryAfterMs),
  isFailure: (err): err is AttestFailure => err instanceof AttestFailure,
  withSuffix: (f, suffix) => f.withSuffix(suffix),
};

/** The kit's transport, in the kit's words with the attest step's failures. */
export const httpWords: HttpWords<AttestFailure> = transportWords(said, 'point fulcio-url and rekor-url at the final address');

/** The kit's OIDC request, in the kit's words with the attest step's failures. */
export const oidcWords: OidcWords<AttestFailure> = oidcRequestWords(said, 'Fulcio', 'no identity token for Sigstore was issued');

/** A GitLab job's ID token for Sigstore (the variable its `id_tokens` entry sets), in the kit's words. */
export const gitlabIdTokenWords = (variable: string) =>
  idTokenVariableWords(said, variable, { audience: 'sigstore', expecter: 'Sigstore', destination: 'Fulcio' });

export const logs = {
  crashed: '::error title=Unexpected error in the attest step::Signing failed unexpectedly; no attestation was written.',
  crashedGitlab: 'ERROR: Unexpected error in the attest step: signing failed unexpectedly; no attestation was written.',
  hidden: (names: readonly string[]) => `Not signed: ${names.join(', ')} (hidden files, which the upload's dist/* does not match either)`,
  attesting: (dir: string, names: readonly string[]) => `Attesting ${plural(names.length, 'distribution')} in ${dir}: ${names.join(', ')}`,
  retrying: (f: AttestFailure, attempt: number, pauseMs: number) =>
    `Attempt ${attempt} failed (${f.title}: ${f.message}); trying again in ${seconds(pauseMs)}.`,
  certified: (fulcioUrl: string, identity: string, validToIso: string) =>
    `Fulcio (${fulcioUrl}) certified an ephemeral key for ${identity}, valid until ${validToIso}`,
  logged: (name: string, sha256: string, logIndex: string) => `${name}: sha256 ${sha256}, Rekor log index ${logIndex}`,
  verified: (n: number, root: string) => `Verified ${plural(n, 'attestation')} against ${root} (certificate chain, signed entry ` +
    'timestamp, inclusion proof, signature, identity)',
  wrote: (paths: readonly string[]) => `Wrote ${paths.join(', ')}`,
  continuing: (title: string) => `Publishing without attestations: ${title}`,
  continuingText: 'continue-without-attestations is on: the distributions are uploaded without PEP 740 attestations.',
  stopping: 'No attestation was written; the upload must not run.',
};

export const summaryWords = {
  heading: 'PEP 740 publish attestations',
  headingSkipped: 'PEP 740 publish attestations: skipped',
  headingFailed: 'PEP 740 publish attestations: failed',
  signedBy: 'Signed by',
  signedWith: 'with a Sigstore certificate; each signature is recorded in the Rekor transparency log and was verified before it was written.',
  columns: '| distribution | sha256 | Rekor log index |',
  continued: 'The upload goes ahead without attestations (continue-without-attestations is on).',
  stopped: 'No attestation was written, so the publish job stops before the upload.',
};
