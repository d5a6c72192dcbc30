/**
 * The `index-url` input: an upload URL (`https://upload.pypi.org/legacy/`) or an index root (`https://pypi.org`).
 * Like pypa's action and twine, the trusted-publishing endpoints live at the root of the upload URL's host
 * (`/_/oidc/audience`, `/_/oidc/mint-token`), which PyPI serves on upload.pypi.org as well as pypi.org.
 * Plain `http` is only for loopback hosts (the emulator); a JWT and a token never travel in clear text.
 */
import { ActionFailure } from './errors';

export const DEFAULT_INDEX_URL = 'https://upload.pypi.org/legacy/';
const MAX_URL_LENGTH = 2048;

export interface IndexEndpoints {
  /** scheme://host[:port] that serves `/_/oidc/*`. */
  readonly origin: string;
  /** The legacy upload URL uploaders should use (exported for tools that read it). */
  readonly uploadUrl: string;
  readonly audienceUrl: URL;
  readonly mintUrl: URL;
  /** Where a human manages trusted publishers (pypi.org for upload.pypi.org). */
  readonly webOrigin: string;
  /** Short name for messages: `pypi.org`, `test.pypi.org`, `127.0.0.1:8080`. */
  readonly displayName: string;
  readonly kind: 'pypi' | 'testpypi' | 'custom';
}

function invalid(message: string): ActionFailure {
  return new ActionFailure('invalid-index-url', 'Invalid index-url input', message);
}

/** 127.0.0.0/8, ::1 and localhost: the only hosts allowed over plain http. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return m !== null && m.slice(1).every((o) => Number(o) <= 255);
}

/** Shared by every URL the action sends a credential to (index endpoints and the OIDC request URL). */
export function requireSecureUrl(raw: string, what: string, fail: (message: string) => ActionFailure): URL {
  if (raw.length > MAX_URL_LENGTH) throw fail(`${what} is ${raw.length} characters long; at most ${MAX_URL_LENGTH} are accepted.`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\s]/.test(raw)) throw fail(`${what} contains whitespace or control characters (CR, LF, tab...).`);
  // WHATWG URL parsing maps full-width digits and some look-alikes onto ASCII (`１２７.０.０.１` is 127.0.0.1), and
  // IDN hosts can imitate others: only plain ASCII is taken as given.
  if (/[^\x21-\x7e]/.test(raw)) {
    throw fail(`${what} contains non-ASCII characters; write an internationalised host name in its ASCII (punycode) form.`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw fail(`${what} is not an absolute URL: '${raw.slice(0, 200)}'.`);
  }
  if (url.username || url.password) {
    throw fail(`${what} must not contain a user name or password; trusted publishing needs no stored credentials.`);
  }
  if (url.protocol === 'http:') {
    if (!isLoopbackHost(url.hostname)) {
      throw fail(`${what} uses http:// with the non-loopback host '${url.hostname}'. Use https:// (plain http is ` +
        'accepted only for 127.0.0.0/8, ::1 and localhost, e.g. the emulator).');
    }
  } else if (url.protocol !== 'https:') {
    throw fail(`${what} uses the scheme '${url.protocol.replace(/:$/, '')}'; only https:// is accepted.`);
  }
  return url;
}

export function resolveIndexUrl(input: string): IndexEndpoints {
  const raw = input.trim() === '' ? DEFAULT_INDEX_URL : input.trim();
  const url = requireSecureUrl(raw, `index-url '${raw.slice(0, 200)}'`, invalid);
  if (url.search || url.hash) throw invalid(`index-url '${raw}' must not have a query or a fragment.`);

  const path = url.pathname.replace(/\/+$/, '');
  const isUpload = /\/legacy$/.test(path);
  if (!isUpload && path !== '') {
    const hint = /\/simple$/.test(path) ? ' That is the simple (download) index; give the upload URL (…/legacy/) instead.' : '';
    throw invalid(`index-url '${raw}' is neither an upload URL ending in /legacy/ nor an index root (https://host/).${hint}`);
  }

  const host = url.hostname.toLowerCase();
  const origin = url.origin;
  const kind = host === 'pypi.org' || host === 'upload.pypi.org' ? 'pypi' : host === 'test.pypi.org' ? 'testpypi' : 'custom';
  let uploadUrl = isUpload ? `${origin}${path}/` : `${origin}/legacy/`;
  if (kind === 'pypi' && !isUpload) uploadUrl = DEFAULT_INDEX_URL;
  const webOrigin = kind === 'pypi' ? 'https://pypi.org' : origin;
  return {
    origin,
    uploadUrl,
    audienceUrl: new URL('/_/oidc/audience', origin),
    mintUrl: new URL('/_/oidc/mint-token', origin),
    webOrigin,
    displayName: kind === 'pypi' ? 'pypi.org' : url.host,
    kind,
  };
}
