/**
 * The indexes this package knows by name (PyPI and TestPyPI): where uploads go, where humans manage projects, and
 * the OIDC audience each expects. Anything else is a custom index that must speak the same APIs.
 *
 * Sources: PyPI's trusted-publishing docs (https://docs.pypi.org/trusted-publishers/) and warehouse's
 * `warehouse/oidc/views.py` (the `/_/oidc/audience` and `/_/oidc/mint-token` routes, served on the upload host as
 * well as the web host).
 */

/** A well-known index: PyPI or TestPyPI. */
export interface KnownIndex {
  /** Short name, also the default GitHub environment of its publish job. */
  readonly name: 'pypi' | 'testpypi';
  /** Human-readable name. */
  readonly displayName: string;
  /** The legacy upload URL (twine's and uv's default for this index). */
  readonly uploadUrl: string;
  /** Web root, without a trailing slash: project pages and publisher settings live here. */
  readonly webUrl: string;
  /** The `aud` claim the index wants in GitHub's OIDC token (what `/_/oidc/audience` answers). */
  readonly audience: string;
  /** Host names (lower case) that belong to this index: upload host first. */
  readonly hosts: readonly string[];
}

export const PYPI: KnownIndex = {
  name: 'pypi',
  displayName: 'PyPI',
  uploadUrl: 'https://upload.pypi.org/legacy/',
  webUrl: 'https://pypi.org',
  audience: 'pypi',
  hosts: ['upload.pypi.org', 'pypi.org'],
};

export const TESTPYPI: KnownIndex = {
  name: 'testpypi',
  displayName: 'TestPyPI',
  uploadUrl: 'https://test.pypi.org/legacy/',
  webUrl: 'https://test.pypi.org',
  audience: 'testpypi',
  hosts: ['test.pypi.org'],
};

export const KNOWN_INDEXES: readonly KnownIndex[] = [PYPI, TESTPYPI];

/** The trusted-publishing endpoints, at the root of the index's host (warehouse `warehouse/oidc/views.py`). */
export const OIDC_AUDIENCE_PATH = '/_/oidc/audience';
export const OIDC_MINT_TOKEN_PATH = '/_/oidc/mint-token';

/** The simple repository API (PEP 503/691), under the web root: what installers and uv's `--check-url` read. */
export const SIMPLE_API_PATH = '/simple/';

/** PyPI's troubleshooting page for trusted publishing. */
export const TROUBLESHOOTING_URL = 'https://docs.pypi.org/trusted-publishers/troubleshooting/';

/** The known index a host name belongs to (`upload.pypi.org` and `pypi.org` are PyPI), or undefined. */
export function knownIndexForHost(hostname: string): KnownIndex | undefined {
  const host = hostname.toLowerCase();
  return KNOWN_INDEXES.find((index) => index.hosts.includes(host));
}

/** The OIDC audience a known host expects (`pypi`, `testpypi`), or undefined for any other host (ask the index). */
export function audienceForHost(hostname: string): string | undefined {
  return knownIndexForHost(hostname)?.audience;
}

/**
 * The web root that belongs to an upload URL: the known index's (`upload.pypi.org` -> `https://pypi.org`), else the
 * upload URL's origin with a leading `upload.` removed from the host (warehouse's own naming). No trailing slash.
 */
export function webRootForUploadUrl(uploadUrl: string | URL): string {
  const url = typeof uploadUrl === 'string' ? new URL(uploadUrl) : uploadUrl;
  const known = knownIndexForHost(url.hostname);
  if (known) return known.webUrl;
  return `${url.protocol}//${url.host.replace(/^upload\./, '')}`;
}
