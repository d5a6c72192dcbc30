import { python, typescript } from 'projen';
import { PypiRelease, PypiReleaseOptions, Uploader } from 'projen-pypi-mint';

/** Where Acme's repositories live: PyPI's trusted publishers name this owner. */
const ACME_GITHUB_OWNER = 'acme-corp';

/** Acme's release defaults: TestPyPI first, uv all the way, tag pushes plus a manual re-run button. */
const ACME_RELEASE_DEFAULTS: PypiReleaseOptions = {
  testPypiFirst: true,
  uploader: Uploader.UV,
  triggers: { versionTags: true, manualDispatch: true },
  workflowFileName: 'release.yml',
};

/**
 * Options for AcmePythonProject: every PythonProject option, plus Acme's release switches.
 */
export interface AcmePythonProjectOptions extends python.PythonProjectOptions {
  /**
   * Turn the release workflow off (e.g. for an application that is never published).
   *
   * @default true
   */
  readonly publish?: boolean;

  /**
   * Overrides of Acme's release defaults, merged over them (the triggers as a whole).
   *
   * @default - Acme's defaults: TestPyPI then PyPI, uv, version tags and manual dispatch, release.yml
   */
  readonly release?: PypiReleaseOptions;
}

/**
 * An Acme Python repository: a uv project (unless poetry or setuptools is chosen) whose release workflow publishes to
 * TestPyPI and then PyPI through trusted publishing, from github.com/acme-corp/<name>. Its projenrc is TypeScript
 * unless another is chosen, so `projen new --from` needs only Node.js.
 *
 * @pjid acme-python
 */
export class AcmePythonProject extends python.PythonProject {
  /** The release workflow, unless `publish: false`. */
  public readonly release?: PypiRelease;

  constructor(options: AcmePythonProjectOptions) {
    const uvUnlessChosen = options.poetry || options.pip || options.setuptools ? {} : { uv: true };
    const projenrcChosen = [options.projenrcPython, options.projenrcJs, options.projenrcJson, options.projenrcTs].some((x) => x !== undefined);
    super({
      homepage: `https://github.com/${ACME_GITHUB_OWNER}/${options.name}`,
      ...uvUnlessChosen,
      // projen's default ts-node runner comes from npx next to the latest TypeScript (7), which ts-node cannot drive
      ...(projenrcChosen ? {} : { projenrcTs: true, projenrcTsOptions: { runner: typescript.TypeScriptRunner.tsx() } }),
      ...options,
      devDeps: pythonRequirementsOnly(options.devDeps),
    });
    if (options.publish ?? true) {
      this.release = new PypiRelease(this, { ...ACME_RELEASE_DEFAULTS, ...options.release });
    }
  }
}

/**
 * `projen new --from <spec>` lists the template's own npm spec in `devDeps`, which a Python project reads as Python
 * requirements. npm specs (a scoped name, a tarball, a path or URL) stay out: npm already installed the template
 * into the repository's package.json, where it belongs.
 */
function pythonRequirementsOnly(devDeps?: string[]): string[] | undefined {
  return devDeps?.filter((dep) => !/^@|[/\\]|\.tgz$/.test(dep));
}
