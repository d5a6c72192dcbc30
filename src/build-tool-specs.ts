import { BuildTool } from './build-tools';
import { PinnedTool, pinnedRequirement } from './pins';

/** What kind of Python project the build tool needs. Internal. */
export type ProjectRequirement = 'any' | 'pyproject' | 'poetry';

/** How the build job runs one build tool. Internal: not part of the jsii API. */
export interface BuildToolSpec {
  readonly label: string;
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

export function buildToolInstallCommand(spec: BuildToolSpec): string | undefined {
  return spec.tool ? `uv tool install '${pinnedRequirement(spec.tool)}'` : undefined;
}
