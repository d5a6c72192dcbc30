/**
 * An organisation template: every Acme Python repository is a uv project that releases to TestPyPI and then PyPI
 * through trusted publishing, with Acme's defaults; a repository overrides any of them in its own projenrc.
 *
 * In an organisation's own package this file imports from 'projen-pypi-mint'; here it imports the source.
 *
 *   // .projenrc.ts of a repository
 *   const project = new AcmePythonProject({ name: 'acme-widgets', moduleName: 'acme_widgets' });
 *   project.synth();
 *
 *   // the same repository, publishing by hand only and to PyPI alone
 *   new AcmePythonProject({ name: 'acme-widgets', moduleName: 'acme_widgets',
 *     release: { testPypiFirst: false, triggers: { versionTags: false, manualDispatch: true } } });
 */
import { python } from 'projen';
import { PypiRelease, PypiReleaseOptions, Uploader } from '../src';

/** Where Acme's repositories live; PyPI's trusted publishers name this owner. */
export const ACME_GITHUB_OWNER = 'acme-corp';

export interface AcmePythonProjectOptions extends Omit<python.PythonProjectOptions, 'authorName' | 'authorEmail' | 'version'> {
  /** @default "Acme Python Team" */
  readonly authorName?: string;
  /** @default "python@acme.example" */
  readonly authorEmail?: string;
  /** @default "0.0.0" */
  readonly version?: string;
  /** Turn the release workflow off (e.g. for an application that is never published). @default true */
  readonly publish?: boolean;
  /** Overrides of Acme's release defaults, merged over them (the triggers as a whole). @default - Acme's defaults */
  readonly release?: PypiReleaseOptions;
}

/** Acme's release defaults: TestPyPI first, uv all the way, tag pushes plus a manual re-run button. */
export const ACME_RELEASE_DEFAULTS: PypiReleaseOptions = {
  testPypiFirst: true,
  uploader: Uploader.UV,
  triggers: { versionTags: true, manualDispatch: true },
  workflowFileName: 'release.yml',
};

export class AcmePythonProject extends python.PythonProject {
  /** The release workflow, unless `publish: false`. */
  public readonly release?: PypiRelease;

  constructor(options: AcmePythonProjectOptions) {
    const uvUnlessChosen = options.poetry || options.pip || options.setuptools ? {} : { uv: true };
    super({
      authorName: 'Acme Python Team',
      authorEmail: 'python@acme.example',
      version: '0.0.0',
      homepage: `https://github.com/${ACME_GITHUB_OWNER}/${options.name}`,
      ...uvUnlessChosen,
      ...options,
    });
    if (options.publish ?? true) {
      this.release = new PypiRelease(this, { ...ACME_RELEASE_DEFAULTS, ...options.release });
    }
  }
}
