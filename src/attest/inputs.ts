/**
 * The step's inputs (`INPUT_<NAME>`, the runner's spelling, or with `_` for `-`), all checked before any request.
 * Fulcio receives the job's OIDC token, so its URL and Rekor's are https, except on loopback hosts (test stand-ins).
 */
import { setupFailure } from './failure';

export const DEFAULT_FULCIO_URL = 'https://fulcio.sigstore.dev';
export const DEFAULT_REKOR_URL = 'https://rekor.sigstore.dev';

export interface AttestInputs {
  /** Where the downloaded distributions are (relative to the working directory, i.e. the workspace). */
  readonly packagesDir: string;
  readonly fulcioUrl: string;
  readonly rekorUrl: string;
  /** Sigstore unreachable or refusing: warn and let the upload go ahead without attestations. */
  readonly continueWithoutAttestations: boolean;
}

type Env = Record<string, string | undefined>;

function input(env: Env, name: string): string {
  const upper = name.toUpperCase();
  return (env[`INPUT_${upper}`] ?? env[`INPUT_${upper.replace(/-/g, '_')}`] ?? '').trim();
}

const invalid = (name: string, message: string) => setupFailure(`Invalid ${name} input`, message);

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(h);
}

/** A service base URL: ASCII, absolute, https (http for loopback only), no credentials, query or fragment. */
export function serviceUrl(name: string, raw: string, fallback: string): string {
  const value = raw === '' ? fallback : raw;
  const fail = (why: string) => invalid(name, `${name} ${why} (got '${value.slice(0, 200)}').`);
  if (value.length > 2048) throw fail('is longer than 2048 characters');
  if (/[^\x21-\x7e]/.test(value)) throw fail('must be plain ASCII without spaces (write a host name in punycode)');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw fail('is not an absolute URL');
  }
  if (url.username || url.password) throw fail('must not contain a user name or password');
  if (url.search || url.hash || value.includes('?') || value.includes('#')) throw fail('must not have a query or fragment');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw fail('must use https:// (http:// only for 127.0.0.0/8, ::1 and localhost)');
  }
  return url.href.replace(/\/+$/, '');
}

/** The YAML 1.2 core booleans, as @actions/core's getBooleanInput reads them. */
function booleanInput(env: Env, name: string, fallback: boolean): boolean {
  const raw = input(env, name);
  if (raw === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(raw)) return true;
  if (['false', 'False', 'FALSE'].includes(raw)) return false;
  throw invalid(name, `${name} must be true or false (got '${raw.slice(0, 40)}').`);
}

export function readInputs(env: Env): AttestInputs {
  const packagesDir = input(env, 'packages-dir') || 'dist';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(packagesDir)) throw invalid('packages-dir', 'packages-dir contains control characters.');
  return {
    packagesDir,
    fulcioUrl: serviceUrl('fulcio-url', input(env, 'fulcio-url'), DEFAULT_FULCIO_URL),
    rekorUrl: serviceUrl('rekor-url', input(env, 'rekor-url'), DEFAULT_REKOR_URL),
    continueWithoutAttestations: booleanInput(env, 'continue-without-attestations', false),
  };
}
