/**
 * What each uploader reads from the environment (PROTOCOL.md section 5). `export-env` names tools from this table;
 * the action writes exactly these variables to GITHUB_ENV, and nothing else. The token is the only secret here:
 * user names are `__token__` and URLs are public.
 */

export type UploaderName = 'twine' | 'uv' | 'poetry' | 'hatch' | 'pdm' | 'flit' | 'maturin';
export const UPLOADER_NAMES: readonly UploaderName[] = ['twine', 'uv', 'poetry', 'hatch', 'pdm', 'flit', 'maturin'];

/** One tool named in export-env; poetry also carries the repository name it publishes to (`poetry:<name>`). */
export interface ExportTarget {
  readonly tool: UploaderName;
  readonly poetryRepository?: string;
}

export interface EnvVariable {
  readonly name: string;
  readonly value: string;
  readonly secret: boolean;
}

/** The variables one tool needs to upload `token` to `uploadUrl`. */
export function uploaderEnv(target: ExportTarget, token: string, uploadUrl: string): EnvVariable[] {
  const secret = (name: string): EnvVariable => ({ name, value: token, secret: true });
  const plain = (name: string, value: string): EnvVariable => ({ name, value, secret: false });
  switch (target.tool) {
    case 'twine':
      return [plain('TWINE_USERNAME', '__token__'), secret('TWINE_PASSWORD'), plain('TWINE_REPOSITORY_URL', uploadUrl)];
    case 'uv':
      return [secret('UV_PUBLISH_TOKEN'), plain('UV_PUBLISH_URL', uploadUrl)];
    case 'poetry': {
      const repo = (target.poetryRepository ?? 'pypi').toUpperCase();
      // poetry knows `pypi` by itself; any other repository needs its URL too (`poetry publish -r <name>`).
      return repo === 'PYPI'
        ? [secret('POETRY_PYPI_TOKEN_PYPI')]
        : [secret(`POETRY_PYPI_TOKEN_${repo}`), plain(`POETRY_REPOSITORIES_${repo}_URL`, uploadUrl)];
    }
    case 'hatch':
      return [plain('HATCH_INDEX_USER', '__token__'), secret('HATCH_INDEX_AUTH'), plain('HATCH_INDEX_REPO', uploadUrl)];
    case 'pdm':
      return [plain('PDM_PUBLISH_USERNAME', '__token__'), secret('PDM_PUBLISH_PASSWORD'), plain('PDM_PUBLISH_REPO', uploadUrl)];
    case 'flit':
      return [plain('FLIT_USERNAME', '__token__'), secret('FLIT_PASSWORD'), plain('FLIT_INDEX_URL', uploadUrl)];
    case 'maturin':
      return [secret('MATURIN_PYPI_TOKEN'), plain('MATURIN_REPOSITORY_URL', uploadUrl)];
  }
}
