/**
 * The tool the build job runs to produce `dist/` (an sdist and a wheel). Each is installed at a pinned version.
 */
export class BuildTool {
  /** `uv build` (default for uv projects). */
  public static readonly UV = new BuildTool('uv');
  /** `poetry build` (default for poetry projects). */
  public static readonly POETRY = new BuildTool('poetry');
  /** pypa/build, `python -m build` (run as its `pyproject-build` entry point; default for pip/setuptools projects). */
  public static readonly PYPA_BUILD = new BuildTool('build');
  /** `hatch build` (hatchling projects). */
  public static readonly HATCH = new BuildTool('hatch');
  /** `pdm build`. */
  public static readonly PDM = new BuildTool('pdm');
  /** `flit build` (flit_core projects). */
  public static readonly FLIT = new BuildTool('flit');
  /** `maturin sdist` + `maturin build --release` (Rust extensions; the wheel is for the build runner's platform). */
  public static readonly MATURIN = new BuildTool('maturin');

  /** The tool's name, e.g. "uv". */
  public readonly name: string;

  private constructor(name: string) {
    this.name = name;
  }
}
