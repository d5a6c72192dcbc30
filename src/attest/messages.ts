/**
 * Every sentence the attest step says to a user, in one place (as the mint step's messages.ts): the failures (a
 * stable code, a title for the annotation, a message that says what happened and what to do), the log lines and
 * the step summary's words. A failure is either the job's set-up (inputs, the files in the packages directory, no
 * id-token permission), which no setting can wave through, or Sigstore's side (the OIDC token for it, Fulcio, Rekor,
 * what they returned not verifying, the time limit), which `continue-without-attestations` may turn into a warning.
 * Text a server wrote reaches these templates only after redaction, and the summary shows it only in code spans.
 */
import type { HttpWords } from '../kit/http';
import type { UrlWords } from '../kit/inputs';
import type { OidcWords } from '../kit/oidc';

export type FailureKind = 'setup' | 'sigstore';

export type FailureCode =
  | 'invalid-input' | 'no-distributions' | 'not-a-distribution' | 'invalid-distribution-name' | 'already-attested'
  | 'missing-id-token-permission' | 'oidc-request-failed' | 'oidc-invalid-response' | 'oidc-wrong-audience'
  | 'fulcio-refused' | 'fulcio-invalid-response' | 'identity-mismatch' | 'rekor-refused' | 'rekor-invalid-response'
  | 'trusted-root-unavailable' | 'verification-failed'
  | 'redirect-refused' | 'response-too-large' | 'timeout' | 'host-not-found' | 'network' | 'proxy-invalid'
  | 'proxy-refused' | 'tls' | 'protocol-error' | 'deadline-exceeded' | 'write-failed' | 'internal';

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
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const url: UrlWords = {
  tooLong: (what, length, max) => `${what} is ${length} characters long; at most ${max} are accepted.`,
  controlCharacters: (what) => `${what} contains whitespace or control characters.`,
  nonAscii: (what) => `${what} must be plain ASCII (write a host name in punycode).`,
  notAbsolute: (what, raw) => `${what} is not an absolute URL: '${raw.slice(0, 200)}'.`,
  credentials: (what) => `${what} must not contain a user name or password.`,
  plainHttp: (what, host) => `${what} uses http:// with the non-loopback host '${host}': use https:// (http:// only for ` +
    '127.0.0.0/8, ::1 and localhost, where test stand-ins run).',
  scheme: (what, scheme) => `${what} uses the scheme '${scheme}'; only https:// is accepted.`,
};

export const failures = {
  internal: () => sigstore('internal', 'Unexpected error in the attest step', 'Signing failed unexpectedly; no attestation was written.'),

  // inputs and the packages directory
  invalidInput: (name: string, message: string) => setup('invalid-input', `Invalid ${name} input`, message),
  url,
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
  unusableOidcUrl: (message: string) => setup('missing-id-token-permission', 'Unusable ACTIONS_ID_TOKEN_REQUEST_URL', message),
  // (in a GitLab job: the job's `id_tokens` variable)
  gitlabNoIdToken: (variable: string) => setup('missing-id-token-permission', 'No ID token for Sigstore',
    `The job has no ${variable} variable. GitLab gives a job an OIDC token only for the entries of its \`id_tokens\`; ` +
    `signing needs one with the audience sigstore on the publishing job:\n  id_tokens:\n    ${variable}:\n      aud: sigstore`),
  gitlabNotAJwt: (variable: string) => setup('oidc-invalid-response', 'Invalid ID token',
    `${variable} does not hold a JWT; it was not sent to Fulcio. Is a CI/CD variable of the same name overriding the job's \`id_tokens\`?`),
  gitlabWrongAudience: (variable: string, got: string | undefined) => setup('oidc-wrong-audience', 'ID token has the wrong audience',
    `${variable} is a token for audience ${got === undefined ? 'MISSING' : `'${got}'`}; it was not sent to Fulcio. Set ` +
    '`aud: sigstore` on that entry of the job\'s `id_tokens`.'),
  oidcStatus: (target: string, status: number, retryable: boolean, retryAfterMs?: number) => sigstore('oidc-request-failed',
    'OIDC token request failed', `${target} answered HTTP ${status}; no identity token for Sigstore was issued.`, retryable, retryAfterMs),
  oidcNoValue: (target: string) => sigstore('oidc-invalid-response', 'OIDC token request failed', `${target} answered without a token.`),
  oidcNotAJwt: (target: string) => sigstore('oidc-invalid-response', 'OIDC token request failed',
    `${target} answered with a value that is not a JWT; it was not sent anywhere.`),
  oidcWrongAudience: (got: string | undefined, wanted: string) => sigstore('oidc-wrong-audience', 'OIDC token has the wrong audience',
    `GitHub issued a token for audience ${got === undefined ? 'MISSING' : `'${got}'`} instead of '${wanted}'; it was not sent ` +
    'to Fulcio. A proxy or wrapper around ACTIONS_ID_TOKEN_REQUEST_URL dropped the audience.'),
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

  // transport (the kit's http, in this step's words)
  deadline: (target: string) => sigstore('deadline-exceeded', 'Time limit reached', `No time was left to ask ${target}.`),
  timeout: (target: string, ms: number) => sigstore('timeout', `${target} did not answer`, `${target} did not answer within ${seconds(ms)}.`, true),
  protocol: (target: string, detail: string) => sigstore('protocol-error', `Malformed answer from ${target}`, `${target} answered with malformed HTTP (${detail}).`, true),
  hostNotFound: (target: string, host: string, detail: string) => sigstore('host-not-found', `Could not reach ${target}`,
    `The host ${host} was not found (${detail}).`, true),
  network: (target: string, detail: string, retryable: boolean) => sigstore('network', `Could not reach ${target}`,
    `The connection to ${target} failed (${detail}).`, retryable),
  tls: (target: string, detail: string) => sigstore('tls', 'Certificate not trusted', `The TLS certificate of ${target} is not ` +
    `trusted (${detail}); no credential was sent. TLS is always verified (NODE_TLS_REJECT_UNAUTHORIZED is ignored); ` +
    'NODE_EXTRA_CA_CERTS adds a corporate CA.'),
  tooLarge: (target: string, maxBytes: number, status: number) => sigstore('response-too-large', `Unusable answer from ${target}`,
    `${target} answered HTTP ${status} with more than ${Math.round(maxBytes / 1024)} KiB; that is not a Sigstore answer.`),
  redirect: (target: string, status: number, where: string) => sigstore('redirect-refused', `${target} redirected`,
    `${target} answered HTTP ${status}, a redirect to ${where}. The step does not follow redirects: the request carries a ` +
    'credential that must not reach another location. Point the step at the final URL.'),
  redirectWhere: { unnamed: 'an unnamed location', unparseable: 'an unparseable location', sameHost: ' (same host)' },
  proxyNotAUrl: () => setup('proxy-invalid', 'Unusable proxy setting', 'The proxy URL in HTTP(S)_PROXY is not a valid URL.'),
  proxyScheme: (scheme: string) => setup('proxy-invalid', 'Unusable proxy setting', `The proxy URL uses the scheme '${scheme}'; only http:// and https:// proxies are supported.`),
  proxyRefused: (proxyHost: string, status: number, authority: string) => sigstore('proxy-refused', 'The proxy refused the connection',
    `The proxy ${proxyHost} answered ${status} to CONNECT ${authority}.`, status >= 500),
  throughProxy: (proxyHost: string) => ` (through the proxy ${proxyHost})`,

  // time and writing
  outOfTime: (totalMs: number) => sigstore('deadline-exceeded', 'Time limit reached', `Signing did not finish within ${totalMs / 1000} s.`),
  gaveUp: (attempts: number, why: 'limit' | 'deadline', totalMs: number) =>
    ` (gave up after ${plural(attempts, 'attempt')}: ${why === 'limit' ? 'retry limit reached' : `the step's ${totalMs / 1000} s limit`})`,
  writeFailed: (errno: string) => setup('write-failed', 'Could not write the attestations',
    errno === 'EEXIST' ? 'An attestation file appeared while signing; none was written (nothing is overwritten).'
      : `Writing an attestation failed (${errno}); none was written.`),
};

export const httpWords: HttpWords<AttestFailure> = {
  isFailure: (err): err is AttestFailure => err instanceof AttestFailure,
  deadline: failures.deadline,
  timeout: failures.timeout,
  protocol: failures.protocol,
  hostNotFound: failures.hostNotFound,
  network: failures.network,
  tls: failures.tls,
  tooLarge: failures.tooLarge,
  redirect: failures.redirect,
  redirectWhere: failures.redirectWhere,
  proxyNotAUrl: failures.proxyNotAUrl,
  proxyScheme: failures.proxyScheme,
  proxyRefused: failures.proxyRefused,
  viaProxy: (f, proxyHost) => f.withSuffix(failures.throughProxy(proxyHost)),
};

export const oidcWords: OidcWords<AttestFailure> = {
  status: (target, status, retryable, details) => failures.oidcStatus(target, status, retryable, details.retryAfterMs),
  noValue: failures.oidcNoValue,
  notAJwt: failures.oidcNotAJwt,
  wrongAudience: failures.oidcWrongAudience,
  unusableUrl: failures.unusableOidcUrl,
  url,
};

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
