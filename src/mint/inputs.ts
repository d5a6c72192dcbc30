/**
 * The action's inputs, read and checked before any request. GitHub passes `with:` values as `INPUT_<NAME>` with the
 * name upper-cased and its hyphen kept (`INPUT_INDEX-URL`); the underscore spelling is accepted too, as pypa's
 * action does.
 *
 * `index-url` is an upload URL (`https://upload.pypi.org/legacy/`) or an index root (`https://pypi.org`). Like
 * pypa's action and twine, the trusted-publishing endpoints live at the root of the upload URL's host
 * (`/_/oidc/audience`, `/_/oidc/mint-token`), which PyPI serves on upload.pypi.org as well as pypi.org. Plain
 * `http` is only for loopback hosts (the emulator); a JWT and a token never travel in clear text.
 */
import { ActionFailure, failures } from './messages';
import { isLoopbackHost, readInput, requireSecureUrl as requireSecureUrlOf } from '../kit/inputs';
import { OIDC_AUDIENCE_PATH, OIDC_MINT_TOKEN_PATH, UPLOADER_NAMES, UploaderName, PYPI, knownIndexForHost } from '../pypi';

type Env = Record<string, string | undefined>;


/** One tool named in export-env; poetry also carries the repository name it publishes to (`poetry:<name>`). */
export interface ExportTarget {
  readonly tool: UploaderName;
  readonly poetryRepository?: string;
}

export interface ActionInputs {
  readonly index: IndexEndpoints;
  /** Set when the user gave one: it wins over the host's and the index's (the tschm/token-mint-action contract). */
  readonly audience?: string;
  readonly exportEnv: readonly ExportTarget[];
}

export function readInputs(env: Env): ActionInputs {
  const index = resolveIndexUrl(readInput(env, 'index-url'));
  return {
    index,
    audience: parseAudience(readInput(env, 'audience')),
    exportEnv: parseExportEnv(readInput(env, 'export-env'), index),
  };
}

// --- index-url ---------------------------------------------------------------------------------------------------


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
  /** 127.0.0.0/8, ::1, localhost: where the emulator plays PyPI. */
  readonly loopback: boolean;
}

/** Shared by every URL the action sends a credential to (index endpoints and the OIDC request URL). */
export const requireSecureUrl = (raw: string, what: string, fail: (message: string) => ActionFailure) =>
  requireSecureUrlOf(raw, what, fail, failures.url);

export function resolveIndexUrl(input: string): IndexEndpoints {
  const raw = input.trim() === '' ? PYPI.uploadUrl : input.trim();
  const url = requireSecureUrl(raw, `index-url '${raw.slice(0, 200)}'`, failures.invalidUrl);
  if (url.search || url.hash) throw failures.invalidUrl(failures.url.queryOrFragment(raw));

  const path = url.pathname.replace(/\/+$/, '');
  const isUpload = /\/legacy$/.test(path);
  if (!isUpload && path !== '') throw failures.invalidUrl(failures.url.notAnIndex(raw, /\/simple$/.test(path)));

  const known = knownIndexForHost(url.hostname);
  const kind = known?.name ?? 'custom';
  const origin = url.origin;
  let uploadUrl = isUpload ? `${origin}${path}/` : `${origin}/legacy/`;
  if (known && !isUpload) uploadUrl = known.uploadUrl;
  return {
    origin,
    uploadUrl,
    audienceUrl: new URL(OIDC_AUDIENCE_PATH, origin),
    mintUrl: new URL(OIDC_MINT_TOKEN_PATH, origin),
    webOrigin: known ? known.webUrl : origin,
    displayName: kind === 'pypi' ? 'pypi.org' : url.host,
    kind,
    loopback: isLoopbackHost(url.hostname),
  };
}

// --- audience and export-env ---------------------------------------------------------------------------------

/** Audiences are short identifiers (`pypi`, `testpypi`, at most a URL): no query or fragment syntax, no spaces. */
export const AUDIENCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,255}$/;

export function parseAudience(raw: string): string | undefined {
  if (raw === '') return undefined;
  if (!AUDIENCE_PATTERN.test(raw)) throw failures.invalidAudienceInput();
  return raw;
}

/** `export-env`: a comma (or whitespace) separated list of uploader names; `poetry:<repository>` picks poetry's repository. */
export function parseExportEnv(raw: string, index: IndexEndpoints): ExportTarget[] {
  const targets: ExportTarget[] = [];
  const seen = new Set<string>();
  for (const item of raw.split(/[\s,]+/).filter((s) => s !== '')) {
    const [toolRaw, repoRaw, ...rest] = item.toLowerCase().split(':');
    const tool = toolRaw as UploaderName;
    if (!UPLOADER_NAMES.includes(tool) || rest.length > 0 || (repoRaw !== undefined && tool !== 'poetry')) {
      throw failures.unknownExportTool(item, UPLOADER_NAMES);
    }
    let target: ExportTarget = { tool };
    if (tool === 'poetry') {
      const repo = repoRaw ?? (index.kind === 'custom' ? undefined : index.kind);
      if (repo === undefined) throw failures.poetryNeedsRepository(index.displayName);
      if (!/^[a-z0-9_]{1,64}$/.test(repo)) throw failures.poetryRepositoryName(repo);
      target = { tool, poetryRepository: repo };
    }
    const key = `${target.tool}:${target.poetryRepository ?? ''}`;
    if (!seen.has(key)) targets.push(target);
    seen.add(key);
  }
  return targets;
}
