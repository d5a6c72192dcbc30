/**
 * The tool that uploads `dist/` in a publish job. Each reads the minted token from its own environment variables
 * (PROTOCOL.md section 5); the token reaches only the upload step.
 */
export class Uploader {
  /** `uv publish` (default): reads UV_PUBLISH_TOKEN and UV_PUBLISH_URL. */
  public static readonly UV = new Uploader('uv');
  /** `twine upload`: reads TWINE_USERNAME, TWINE_PASSWORD and TWINE_REPOSITORY_URL. */
  public static readonly TWINE = new Uploader('twine');
  /** `poetry publish -u __token__ -p "$PYPI_API_TOKEN"` to a repository defined by POETRY_REPOSITORIES_UPLOAD_URL. */
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
