import { PinnedTool } from './pins';
import { UploaderName, uploaderEnv } from '../pypi';

/**
 * The tool that uploads `dist/` in a publish job. Each reads the minted token from its own environment variables
 * (listed per tool below); the token reaches only the upload step.
 */
export class Uploader {
  /** `uv publish` (default): reads UV_PUBLISH_TOKEN and UV_PUBLISH_URL. */
  public static readonly UV = new Uploader('uv');
  /** `twine upload`: reads TWINE_USERNAME, TWINE_PASSWORD and TWINE_REPOSITORY_URL. */
  public static readonly TWINE = new Uploader('twine');
  /** `poetry publish --repository upload`: reads POETRY_PYPI_TOKEN_UPLOAD and POETRY_REPOSITORIES_UPLOAD_URL. */
  public static readonly POETRY = new Uploader('poetry');
  /** `hatch publish`: reads HATCH_INDEX_USER, HATCH_INDEX_AUTH and HATCH_INDEX_REPO. */
  public static readonly HATCH = new Uploader('hatch');
  /** `pdm publish --no-build`: reads PDM_PUBLISH_USERNAME, PDM_PUBLISH_PASSWORD and PDM_PUBLISH_REPO. */
  public static readonly PDM = new Uploader('pdm');
  /**
   * `flit publish`. Refused at synth: flit cannot upload files it did not just build, so it would build inside the
   * job that holds `id-token: write`. Build with BuildTool.FLIT and upload with UV or TWINE instead.
   */
  public static readonly FLIT = new Uploader('flit');
  /** `maturin upload`: reads MATURIN_PYPI_TOKEN and MATURIN_REPOSITORY_URL. */
  public static readonly MATURIN = new Uploader('maturin');

  /** The tool's name, e.g. "uv". */
  public readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }
}

/** How a publish job runs one uploader. Internal: not part of the jsii API. */
export interface UploaderSpec {
  /** `Uploader.X` for messages. */
  readonly label: string;
  /** Installed by the tools action (next to uv) before the mint step; undefined for uv itself (always installed). */
  readonly tool?: PinnedTool;
  /**
   * Uploads from a project (poetry, pdm): the upload step generates one in its scratch directory, with the
   * distribution's name and nothing else, instead of reading the repository's pyproject.toml.
   */
  readonly needsProject: boolean;
  /** Cannot upload prebuilt files: would rebuild in the publish job. */
  readonly rebuildsFromSource: boolean;
  /** The upload step's `run:` (no `${{ }}` in it, ever: the token reaches the tool through `env:` only). */
  readonly run: string;
  /**
   * The `run:` that also uploads the PEP 740 `<file>.publish.attestation` files next to the distributions; undefined
   * for tools that cannot upload attestations.
   */
  readonly attestedRun?: string;
  /**
   * The upload step's `env:`; `token` is a `${{ }}` expression, `uploadUrl` and `simpleUrl` (the index's simple
   * API, where uv looks for files already there) literals.
   */
  env(token: string, uploadUrl: string, simpleUrl: string): Record<string, string>;
}

/** The repository name the poetry upload step defines (by URL) and publishes to: any index, not only PyPI. */
export const POETRY_REPOSITORY = 'upload';

type SpecBody = Omit<UploaderSpec, 'env'>;

/*
 * Re-runs: PyPI (warehouse) answers an upload of a file it already has, byte for byte, with 200, and a different
 * file under an existing name with 400 "File already exists". So a re-run of a partly successful release finishes
 * with every uploader, and a changed file still fails with PyPI's message. uv also skips identical files itself
 * (UV_PUBLISH_CHECK_URL: it compares hashes on the simple API), which finishes re-runs on indexes that refuse
 * duplicates. The --skip-existing of twine, poetry, pdm and maturin is not used: it skips on that 400 too, i.e.
 * would turn a changed file into a warning.
 */
const SPECS: Record<UploaderName, SpecBody> = {
  // never let uv attempt its own OIDC exchange: the token comes from the mint step
  uv: {
    label: 'Uploader.UV',
    needsProject: false,
    rebuildsFromSource: false,
    // --no-config: no uv.toml or [tool.uv] is read (the scratch directory has none either; this says so for any cwd)
    run: 'uv publish --no-config --trusted-publishing never dist/*',
    // uv uploads the attestations next to each file by itself (`--no-attestations` turns that off)
    attestedRun: 'uv publish --no-config --trusted-publishing never dist/*',
  },
  twine: {
    label: 'Uploader.TWINE',
    tool: 'twine',
    needsProject: false,
    rebuildsFromSource: false,
    run: 'twine upload --non-interactive dist/*',
    // twine attaches them only when asked, and then refuses a file that has none
    attestedRun: 'twine upload --non-interactive --attestations dist/*',
  },
  poetry: {
    label: 'Uploader.POETRY',
    tool: 'poetry',
    needsProject: true,
    rebuildsFromSource: false,
    run: `poetry publish --no-interaction --repository ${POETRY_REPOSITORY}`,
  },
  hatch: { label: 'Uploader.HATCH', tool: 'hatch', needsProject: false, rebuildsFromSource: false, run: 'hatch publish --no-prompt dist/*' },
  // --skip=:all: no pre_publish/post_publish hook runs even if a [tool.pdm.scripts] were there (the generated project has none)
  pdm: { label: 'Uploader.PDM', tool: 'pdm', needsProject: true, rebuildsFromSource: false, run: 'pdm publish --no-build --skip=:all' },
  flit: { label: 'Uploader.FLIT', tool: 'flit', needsProject: true, rebuildsFromSource: true, run: 'flit publish' },
  maturin: { label: 'Uploader.MATURIN', tool: 'maturin', needsProject: false, rebuildsFromSource: false, run: 'maturin upload --non-interactive dist/*' },
};

export function uploaderSpec(uploader: Uploader): UploaderSpec {
  const name = uploader.name as UploaderName;
  const body = SPECS[name];
  if (!body) throw new Error(`unknown uploader ${uploader.name}`);
  return {
    ...body,
    env: (token, uploadUrl, simpleUrl) => ({
      ...Object.fromEntries(uploaderEnv(name, token, uploadUrl, { poetryRepository: POETRY_REPOSITORY }).map((v) => [v.name, v.value])),
      ...(name === 'uv' ? { UV_PUBLISH_CHECK_URL: simpleUrl } : {}),
    }),
  };
}

/** The uploaders that upload PEP 740 attestations, for messages ("Uploader.UV or Uploader.TWINE"). */
export function attestingUploaders(): string[] {
  return Object.values(SPECS).filter((s) => s.attestedRun !== undefined).map((s) => s.label);
}
