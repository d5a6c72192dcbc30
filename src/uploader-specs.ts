import { PinnedTool, pinnedRequirement } from './pins';
import { Uploader } from './uploaders';

/** How a publish job runs one uploader. Internal: not part of the jsii API. */
export interface UploaderSpec {
  /** `Uploader.X` for messages. */
  readonly label: string;
  /** Installed with `uv tool install` before the mint step; undefined for uv itself (setup-uv provides it). */
  readonly tool?: PinnedTool;
  /** Needs the project's pyproject.toml (and README) next to dist/ in the publish job. */
  readonly needsPyproject: boolean;
  /** Cannot upload prebuilt files: would rebuild in the publish job. */
  readonly rebuildsFromSource: boolean;
  /** The upload step's `run:` (no `${{ }}` in it, ever). */
  readonly run: string;
  /**
   * The upload step's `env:`; `token` is a `${{ }}` expression, `uploadUrl` and `simpleUrl` (the index's simple
   * API, where uploaders that can compare hashes look for files already there) literals.
   */
  env(token: string, uploadUrl: string, simpleUrl: string): Record<string, string>;
}

/*
 * Re-runs: PyPI (warehouse) answers an upload of a file it already has, byte for byte, with 200, and a different
 * file under an existing name with 400 "File already exists". So a re-run of a partly successful release finishes
 * with every uploader, and a changed file still fails with PyPI's message. The uploaders' own --skip-existing
 * (twine, poetry, pdm, maturin) is not used: it skips on that 400 too, i.e. would hide a changed file.
 */
const SPECS: Record<string, UploaderSpec> = {
  uv: {
    label: 'Uploader.UV',
    needsPyproject: false,
    rebuildsFromSource: false,
    // a re-run skips files the index already has with the same hash (--check-url); a different file under an
    // existing name is still uploaded, and refused by the index
    env: (token, url, simple) => ({ UV_PUBLISH_TOKEN: token, UV_PUBLISH_URL: url, UV_PUBLISH_CHECK_URL: simple }),
    // never let uv attempt its own OIDC exchange: the token comes from the mint step
    run: 'uv publish --trusted-publishing never dist/*',
  },
  twine: {
    label: 'Uploader.TWINE',
    tool: 'twine',
    needsPyproject: false,
    rebuildsFromSource: false,
    env: (token, url) => ({ TWINE_USERNAME: '__token__', TWINE_PASSWORD: token, TWINE_REPOSITORY_URL: url }),
    run: 'twine upload --non-interactive dist/*',
  },
  poetry: {
    label: 'Uploader.POETRY',
    tool: 'poetry',
    needsPyproject: true,
    rebuildsFromSource: false,
    env: (token, url) => ({ PYPI_API_TOKEN: token, POETRY_REPOSITORIES_UPLOAD_URL: url }),
    run: 'poetry publish --no-interaction --repository upload -u __token__ -p "$PYPI_API_TOKEN"',
  },
  hatch: {
    label: 'Uploader.HATCH',
    tool: 'hatch',
    needsPyproject: false,
    rebuildsFromSource: false,
    env: (token, url) => ({ HATCH_INDEX_USER: '__token__', HATCH_INDEX_AUTH: token, HATCH_INDEX_REPO: url }),
    run: 'hatch publish --no-prompt dist/*',
  },
  pdm: {
    label: 'Uploader.PDM',
    tool: 'pdm',
    needsPyproject: true,
    rebuildsFromSource: false,
    env: (token, url) => ({ PDM_PUBLISH_USERNAME: '__token__', PDM_PUBLISH_PASSWORD: token, PDM_PUBLISH_REPO: url }),
    // --skip=:all: no pre_publish/post_publish hooks from [tool.pdm.scripts], i.e. no project code next to the token
    run: 'pdm publish --no-build --skip=:all',
  },
  flit: {
    label: 'Uploader.FLIT',
    tool: 'flit',
    needsPyproject: true,
    rebuildsFromSource: true,
    env: (token, url) => ({ FLIT_USERNAME: '__token__', FLIT_PASSWORD: token, FLIT_INDEX_URL: url }),
    run: 'flit publish',
  },
  maturin: {
    label: 'Uploader.MATURIN',
    tool: 'maturin',
    needsPyproject: false,
    rebuildsFromSource: false,
    env: (token, url) => ({ MATURIN_PYPI_TOKEN: token, MATURIN_REPOSITORY_URL: url }),
    run: 'maturin upload --non-interactive dist/*',
  },
};

export function uploaderSpec(uploader: Uploader): UploaderSpec {
  const spec = SPECS[uploader.name];
  if (!spec) throw new Error(`unknown uploader ${uploader.name}`);
  return spec;
}

/** `uv tool install 'twine==7.0.0'`, or undefined when the uploader is uv itself. */
export function uploaderInstallCommand(spec: UploaderSpec): string | undefined {
  return spec.tool ? `uv tool install '${pinnedRequirement(spec.tool)}'` : undefined;
}
