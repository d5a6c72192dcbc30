/**
 * What each uploader reads from the environment to upload with an API token: the token's variable (the only
 * secret: the user name is always `__token__` and URLs are public) and the upload URL's. From each tool's docs:
 * - uv: `uv publish` reads UV_PUBLISH_TOKEN and UV_PUBLISH_URL (https://docs.astral.sh/uv/reference/environment/).
 * - twine: TWINE_USERNAME, TWINE_PASSWORD, TWINE_REPOSITORY_URL (https://twine.readthedocs.io/en/stable/).
 * - poetry (2.x): `poetry publish -r <name>` uploads to the config setting `repositories.<name>.url` and takes the
 *   token from `pypi-token.<name>`. Poetry reads any setting `a.b.c` from the variable POETRY_A_B_C (upper case,
 *   "-" as "_"; poetry's `Config.get`), and checks that variable before any keyring for the token (since poetry 1.2,
 *   `PasswordManager.get_pypi_token`). So: POETRY_PYPI_TOKEN_<NAME> and POETRY_REPOSITORIES_<NAME>_URL
 *   (https://python-poetry.org/docs/repositories/#configuring-credentials). `poetry publish` without `-r` always
 *   uploads to https://upload.pypi.org/legacy/ as repository `pypi`, so that one needs the token only.
 *   (POETRY_HTTP_BASIC_<NAME>_USERNAME/_PASSWORD would work too; the token setting is what poetry documents for
 *   API tokens, and it keeps the token off the command line, unlike `poetry publish -u __token__ -p <token>`.)
 * - hatch: HATCH_INDEX_USER, HATCH_INDEX_AUTH, HATCH_INDEX_REPO (https://hatch.pypa.io/latest/publish/).
 * - pdm: PDM_PUBLISH_USERNAME, PDM_PUBLISH_PASSWORD, PDM_PUBLISH_REPO (https://pdm-project.org/latest/reference/cli/#publish).
 * - flit: FLIT_USERNAME, FLIT_PASSWORD, FLIT_INDEX_URL (https://flit.pypa.io/en/stable/upload.html).
 * - maturin: MATURIN_PYPI_TOKEN, MATURIN_REPOSITORY_URL (`maturin upload --help`).
 */

/** The uploaders this package knows, in the order messages list them. */
export const UPLOADER_NAMES = ['twine', 'uv', 'poetry', 'hatch', 'pdm', 'flit', 'maturin'] as const;
export type UploaderName = (typeof UPLOADER_NAMES)[number];

/** The user name that tells an index the password is an API token. */
export const TOKEN_USERNAME = '__token__';

/** The repository poetry publishes to without `-r`; its URL is built into poetry. */
export const POETRY_DEFAULT_REPOSITORY = 'pypi';

export interface UploaderEnvVariable {
  readonly name: string;
  readonly value: string;
  /** True for the token, the only secret. */
  readonly secret: boolean;
}

export interface UploaderEnvOptions {
  /**
   * poetry only: the repository `poetry publish -r <name>` names.
   *
   * @default "pypi" (token only: poetry's built-in PyPI upload URL)
   */
  readonly poetryRepository?: string;
}

/** POETRY_<SETTING> for a poetry config setting such as `pypi-token.upload` (poetry's `Config.get`). */
export function poetryEnvName(setting: string): string {
  return `POETRY_${setting.split('.').map((part) => part.toUpperCase().replace(/-/g, '_')).join('_')}`;
}

/** The variables one uploader needs to upload with `token` to `uploadUrl`, token first. */
export function uploaderEnv(tool: UploaderName, token: string, uploadUrl: string, options: UploaderEnvOptions = {}): UploaderEnvVariable[] {
  const secret = (name: string): UploaderEnvVariable => ({ name, value: token, secret: true });
  const plain = (name: string, value: string): UploaderEnvVariable => ({ name, value, secret: false });
  switch (tool) {
    case 'twine':
      return [plain('TWINE_USERNAME', TOKEN_USERNAME), secret('TWINE_PASSWORD'), plain('TWINE_REPOSITORY_URL', uploadUrl)];
    case 'uv':
      return [secret('UV_PUBLISH_TOKEN'), plain('UV_PUBLISH_URL', uploadUrl)];
    case 'poetry': {
      const repo = options.poetryRepository ?? POETRY_DEFAULT_REPOSITORY;
      const tokenVar = secret(poetryEnvName(`pypi-token.${repo}`));
      return repo === POETRY_DEFAULT_REPOSITORY ? [tokenVar] : [tokenVar, plain(poetryEnvName(`repositories.${repo}.url`), uploadUrl)];
    }
    case 'hatch':
      return [plain('HATCH_INDEX_USER', TOKEN_USERNAME), secret('HATCH_INDEX_AUTH'), plain('HATCH_INDEX_REPO', uploadUrl)];
    case 'pdm':
      return [plain('PDM_PUBLISH_USERNAME', TOKEN_USERNAME), secret('PDM_PUBLISH_PASSWORD'), plain('PDM_PUBLISH_REPO', uploadUrl)];
    case 'flit':
      return [plain('FLIT_USERNAME', TOKEN_USERNAME), secret('FLIT_PASSWORD'), plain('FLIT_INDEX_URL', uploadUrl)];
    case 'maturin':
      return [secret('MATURIN_PYPI_TOKEN'), plain('MATURIN_REPOSITORY_URL', uploadUrl)];
  }
}
