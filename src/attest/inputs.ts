/**
 * The step's inputs, all checked before any request. Fulcio receives the job's OIDC token, so its URL and Rekor's
 * pass the kit's rule for credential-bearing URLs; and since PyPI verifies attestations against Sigstore's public
 * trusted root only, they are Sigstore's public instance or loopback test stand-ins (which serve their own trusted
 * root at `<fulcio-url>/trusted_root.json`).
 */
import { failures } from './messages';
import type { Env } from '../kit/failure';
import { isLoopbackHost, readBooleanInput, readInput, requireSecureUrl } from '../kit/inputs';

export const DEFAULT_FULCIO_URL = 'https://fulcio.sigstore.dev';
export const DEFAULT_REKOR_URL = 'https://rekor.sigstore.dev';

export interface AttestInputs {
  /** Where the downloaded distributions are (relative to the working directory, i.e. the workspace). */
  readonly packagesDir: string;
  readonly fulcioUrl: string;
  readonly rekorUrl: string;
  /** Both services are loopback test stand-ins: their trusted root is the one the stand-in serves. */
  readonly testInstance: boolean;
  /** Sigstore unreachable, refusing, or what it returned not verifying: warn and upload without attestations. */
  readonly continueWithoutAttestations: boolean;
}

/** A service base URL: the kit's rule, no query or fragment, Sigstore's own or loopback; without a trailing slash. */
export function serviceUrl(name: string, raw: string, production: string): string {
  const value = raw === '' ? production : raw;
  const fail = (message: string) => failures.invalidInput(name, message);
  const url = requireSecureUrl(value, name, fail, failures.url);
  if (url.search || url.hash || value.includes('?') || value.includes('#')) throw fail(failures.serviceQuery(name));
  const href = url.href.replace(/\/+$/, '');
  if (href !== production && !isLoopbackHost(url.hostname)) throw fail(failures.notSigstore(name, production));
  return href;
}

export function readInputs(env: Env): AttestInputs {
  const packagesDir = readInput(env, 'packages-dir') || 'dist';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(packagesDir)) throw failures.invalidInput('packages-dir', failures.controlCharacters('packages-dir'));
  const fulcioUrl = serviceUrl('fulcio-url', readInput(env, 'fulcio-url'), DEFAULT_FULCIO_URL);
  const rekorUrl = serviceUrl('rekor-url', readInput(env, 'rekor-url'), DEFAULT_REKOR_URL);
  const continueWithoutAttestations = readBooleanInput(env, 'continue-without-attestations', false);
  if (continueWithoutAttestations === undefined) {
    throw failures.invalidInput('continue-without-attestations',
      failures.notBoolean('continue-without-attestations', readInput(env, 'continue-without-attestations')));
  }
  const testInstance = fulcioUrl !== DEFAULT_FULCIO_URL;
  if (testInstance !== (rekorUrl !== DEFAULT_REKOR_URL)) {
    throw failures.invalidInput('fulcio-url', failures.mixedInstances);
  }
  return { packagesDir, fulcioUrl, rekorUrl, testInstance, continueWithoutAttestations };
}
