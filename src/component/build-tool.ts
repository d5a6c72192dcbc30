import { PinnedTool } from './pins';

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

/** What kind of Python project the build tool needs. Internal. */
export type ProjectRequirement = 'any' | 'pyproject' | 'poetry';

/** How the build job runs one build tool. Internal: not part of the jsii API. */
export interface BuildToolSpec {
  readonly label: string;
  /** Installed by the tools action next to uv; undefined for uv itself (the action always installs it). */
  readonly tool?: PinnedTool;
  readonly requires: ProjectRequirement;
  readonly run: string;
}

const SPECS: Record<string, BuildToolSpec> = {
  uv: { label: 'BuildTool.UV', requires: 'any', run: 'uv build --out-dir dist' },
  poetry: { label: 'BuildTool.POETRY', tool: 'poetry', requires: 'poetry', run: 'poetry build --no-interaction' },
  build: { label: 'BuildTool.PYPA_BUILD', tool: 'build', requires: 'any', run: 'pyproject-build --outdir dist' },
  hatch: { label: 'BuildTool.HATCH', tool: 'hatch', requires: 'pyproject', run: 'hatch build' },
  pdm: { label: 'BuildTool.PDM', tool: 'pdm', requires: 'pyproject', run: 'pdm build --dest dist' },
  flit: { label: 'BuildTool.FLIT', tool: 'flit', requires: 'pyproject', run: 'flit build' },
  maturin: {
    label: 'BuildTool.MATURIN',
    tool: 'maturin',
    requires: 'pyproject',
    run: 'maturin sdist --out dist\nmaturin build --release --out dist',
  },
};

export function buildToolSpec(tool: BuildTool): BuildToolSpec {
  const spec = SPECS[tool.name];
  if (!spec) throw new Error(`unknown build tool ${tool.name}`);
  return spec;
}
