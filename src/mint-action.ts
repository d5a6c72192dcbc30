import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { Component, FileBase, Project, YamlFile } from 'projen';
import { MINT_ACTION_DIR } from './mint-steps';

/**
 * This package's bundled action. `__dirname` is `lib/` once compiled and `src/` under ts-node or ts-jest: both
 * sit one level below the package root, which the npm package ships `action/` in.
 */
const BUNDLE_SOURCE = join(__dirname, '..', 'action', 'index.cjs');

/**
 * Writes the mint action into the repository at `.github/actions/pypi-mint/` (action.yml + the bundled
 * index.cjs) as projen-managed files: read-only, marked generated, tracked, removed when the component goes away.
 * PypiRelease and PypiPublishRetrofit add it; use `PypiMintAction.of(project)` to find it.
 */
export class PypiMintAction extends Component {
  /** The mint action component of the project's root, if one was added. */
  public static of(project: Project): PypiMintAction | undefined {
    return project.root.components.find((c): c is PypiMintAction => c instanceof PypiMintAction);
  }

  /** Adds the mint action to the project's root unless it is there already. */
  public static ensure(project: Project): PypiMintAction {
    return PypiMintAction.of(project) ?? new PypiMintAction(project.root);
  }

  /** Path of the action's directory, relative to the repository root. */
  public readonly directory: string = MINT_ACTION_DIR;

  public constructor(project: Project) {
    super(project, 'PypiMintAction');
    if (project.parent) {
      throw new Error('PypiMintAction: add it to the root project (workflows and actions live at the repository root)');
    }
    new YamlFile(project, `${MINT_ACTION_DIR}/action.yml`, { obj: actionMetadata(), committed: true });
    new ShippedBundle(project, `${MINT_ACTION_DIR}/index.cjs`, BUNDLE_SOURCE);
  }
}

/** The same inputs and outputs as this package's root action.yml; `runs.main` points at the copied bundle. */
function actionMetadata(): Record<string, unknown> {
  return {
    name: 'PyPI trusted publishing token mint',
    description: 'Exchange the job\'s GitHub OIDC identity for a short-lived (15 min), project-scoped PyPI upload token, for any uploader (twine, uv, poetry, hatch, pdm, flit, maturin). Needs `permissions: id-token: write`.',
    inputs: {
      'index-url': {
        description: 'Upload URL (https://upload.pypi.org/legacy/, https://test.pypi.org/legacy/) or index root of the index to mint for. https only, except loopback hosts.',
        required: false,
        default: 'https://upload.pypi.org/legacy/',
      },
      'audience': {
        description: 'OIDC audience to request (pypi, testpypi). Empty: ask the index (GET /_/oidc/audience).',
        required: false,
        default: '',
      },
      'export-env': {
        description: 'Comma separated tools whose environment variables are also written to GITHUB_ENV, visible to every later step of the job: twine, uv, poetry (or poetry:<repository>), hatch, pdm, flit, maturin. Empty: only the step outputs (safer).',
        required: false,
        default: '',
      },
    },
    outputs: {
      'api-token': { description: 'The minted PyPI token (masked in logs). Pass it to the upload step\'s env only.' },
      'expires': { description: 'When the token expires, in unix seconds.' },
    },
    runs: { using: 'node24', main: 'index.cjs' },
  };
}

/** A copy of a file this package ships, with projen's marker on the first line (after a shebang, if any). */
class ShippedBundle extends FileBase {
  private readonly sourcePath: string;

  public constructor(project: Project, filePath: string, sourcePath: string) {
    super(project, filePath, { readonly: true, committed: true });
    this.sourcePath = sourcePath;
  }

  protected synthesizeContent(): string {
    if (!existsSync(this.sourcePath)) {
      throw new Error(`PypiMintAction: the bundled mint action is missing at ${this.sourcePath}; this package was built without it (run "npx projen bundle:action" in projen-pypi-mint)`);
    }
    const body = readFileSync(this.sourcePath, 'utf-8');
    if (!this.marker) return body;
    const markerLine = `// ${this.marker}\n`;
    if (body.startsWith('#!')) {
      const eol = body.indexOf('\n') + 1;
      return body.slice(0, eol) + markerLine + body.slice(eol);
    }
    return markerLine + body;
  }
}
