/**
 * The checks around an upload, run exactly as the generated steps say (their `run:` through bash, in a runner-like
 * environment): the build job's version-against-tag check and the publish job's summary. The distributions are
 * minimal but real archives (a wheel's METADATA, an sdist's PKG-INFO), which is all the checks read.
 */
import { spawnSync } from 'child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { pythonProject, synth, uploaderCommand, workflowAt } from './projects';
import { PypiRelease, Uploader } from '../../src';
import { VERSION_SCRIPT } from '../../src/component/version-from-tag';
import { tempDir } from '../../src/rehearsal/temp-dirs';
import { TOOLS_BIN, requireTool } from '../support/tools';

function generated(uploader = Uploader.UV) {
  const project = pythonProject('uv');
  new PypiRelease(project, { uploader });
  return workflowAt(synth(project), '.github/workflows/release.yml').doc;
}

/** A dist/ with a wheel and an sdist of `demo-pkg` at `version` (written by Python's zipfile/tarfile). */
function distDir(version: string, sdistVersion = version, readme?: { contentType: string; description: string }): string {
  const dir = tempDir('release-checks-');
  mkdirSync(join(dir, 'dist'));
  const py = `
import io, sys, tarfile, zipfile
d, v, sv, ct, desc = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
head = f"Description-Content-Type: {ct}\\n" if ct else ""
meta = lambda ver: (f"Metadata-Version: 2.4\\nName: demo-pkg\\nVersion: {ver}\\n{head}\\n{desc}").encode()
with zipfile.ZipFile(f"{d}/demo_pkg-{v}-py3-none-any.whl", "w") as z:
    z.writestr(f"demo_pkg-{v}.dist-info/METADATA", meta(v))
with tarfile.open(f"{d}/demo_pkg-{sv}.tar.gz", "w:gz") if sv else io.BytesIO() as t:
    if not sv: sys.exit(0)
    data = meta(sv)
    info = tarfile.TarInfo(f"demo_pkg-{sv}/PKG-INFO")
    info.size = len(data)
    t.addfile(info, io.BytesIO(data))
`;
  const r = spawnSync('python3', ['-c', py, join(dir, 'dist'), version, sdistVersion, readme?.contentType ?? '', readme?.description ?? ''], { encoding: 'utf-8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return dir;
}

/** The repository as checked out: the vendored scripts the steps run, at the path the workflow names. */
const workspace = tempDir('release-checks-workspace-');
mkdirSync(join(workspace, dirname(VERSION_SCRIPT)), { recursive: true });
copyFileSync(join(__dirname, '..', '..', 'version', 'version.py'), join(workspace, VERSION_SCRIPT));

function runStep(run: string, cwd: string, env: Record<string, string>) {
  const summary = join(cwd, 'summary.md');
  writeFileSync(summary, '');
  const r = spawnSync('bash', ['-e', '-c', run], {
    cwd, encoding: 'utf-8', env: { PATH: process.env.PATH!, GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: workspace, ...env },
  });
  return { status: r.status, out: r.stdout + r.stderr, summary: readFileSync(summary, 'utf-8') };
}

const pushTag = (tag: string) => ({ GITHUB_EVENT_NAME: 'push', GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: tag, GITHUB_REF: `refs/tags/${tag}` });

describe('the build job checks the version against the tag before anything is uploaded', () => {
  const build = generated().jobs.build;
  const ids = build.steps!.map((s) => s.id);
  const check = build.steps!.find((s) => s.id === 'check_version')!;

  test('it runs after the build and before the artifact leaves the job', () => {
    expect(ids.indexOf('check_version')).toBe(ids.indexOf('build') + 1);
    expect(ids.indexOf('check_metadata')).toBeLessThan(ids.indexOf('upload_distributions'));
    expect(check.run).not.toContain('${{');
  });

  test.each([
    ['v1.2.3', '1.2.3'], ['1.2.3', '1.2.3'], ['v1.2.3rc1', '1.2.3rc1'], ['v1.2.3-rc.1', '1.2.3rc1'], ['v1.2', '1.2.0'],
    ['v2.0.0.post1', '2.0.0.post1'], ['v1!2.0', '1!2.0.0'], ['demo-pkg-v1.2.3', '1.2.3'], ['releases/1.2.3', '1.2.3'],
  ])('tag %s and version %s agree', (tag, version) => {
    const r = runStep(check.run!, distDir(version), pushTag(tag));
    expect(r.out).toContain(`matches the tag ${tag}`);
    expect(r.status).toBe(0);
  });

  test.each([['v1.2.4', '1.2.3'], ['v1.2.3', '1.2.3rc1'], ['v1.2.3rc1', '1.2.3rc2'], ['v1.2.3', '1.2.3.post1'], ['v1.2.3', '1.2.3.dev0']])(
    'tag %s and version %s differ: the job fails naming both and the file', (tag, version) => {
      const r = runStep(check.run!, distDir(version), pushTag(tag));
      expect(r.status).toBe(1);
      expect(r.out).toMatch(new RegExp(`^::error file=dist/demo_pkg-${version.replace(/\./g, '\\.')}[^,]*,title=Version does not match the tag::`, 'm'));
      expect(r.out).toContain(`has version ${version}, but the tag ${tag} says`);
    });

  test('the wheel and the sdist are each checked', () => {
    const r = runStep(check.run!, distDir('1.2.3', '1.2.4'), pushTag('v1.2.3'));
    expect(r.status).toBe(1);
    expect(r.out).toContain('dist/demo_pkg-1.2.4.tar.gz has version 1.2.4, but the tag v1.2.3 says 1.2.3');
  });

  test('a release event is checked against the release\'s tag', () => {
    const r = runStep(check.run!, distDir('1.2.3'), { ...pushTag('v1.3.0'), GITHUB_EVENT_NAME: 'release' });
    expect(r.status).toBe(1);
    expect(r.out).toContain('but the tag v1.3.0 says 1.3.0');
  });

  test('a dispatch from a branch has no tag: a clear notice, and the build goes on', () => {
    const r = runStep(check.run!, distDir('1.2.3'), { GITHUB_EVENT_NAME: 'workflow_dispatch', GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: 'main' });
    expect(r.status).toBe(0);
    expect(r.out).toContain("::notice title=No release tag::This workflow_dispatch run is on branch 'main', not a tag: there is no tag to compare version 1.2.3 with.");
  });

  test('a tag that names no version fails', () => {
    const r = runStep(check.run!, distDir('1.2.3'), pushTag('latest'));
    expect(r.status).toBe(1);
    expect(r.out).toContain("The tag 'latest' names no PEP 440 version");
  });
});

describe('the build job checks the metadata as PyPI would', () => {
  const steps = generated().jobs.build.steps!;
  const check = steps.find((s) => s.id === 'check_metadata')!;
  // twine's console wraps at the terminal width: one long line
  const withTwine = (env: Record<string, string>) => ({ ...env, PATH: `${TOOLS_BIN}:${process.env.PATH}`, COLUMNS: '400' });
  const maybe = requireTool('twine') ? test : test.skip;

  test('twine check from its hash-locked set, in the build job (no id-token), before the artifact', () => {
    // twine comes with uv and the build tool from the tools action, before anything of the project runs
    const tools = steps.findIndex((s) => s.id === 'install_tools');
    expect(steps[tools]).toMatchObject({ uses: '$/.github/actions/pypi-tools', with: { tools: 'twine' } });
    expect(tools).toBeLessThan(steps.findIndex((s) => s.id === 'build'));
    expect(check.run).toBe('twine check dist/*');
  });

  maybe('a description PyPI would refuse to render fails the build, naming the file', () => {
    // a wheel only: twine checks each file the same way
    const r = runStep(check.run!, distDir('1.2.3', '', { contentType: 'text/x-rst', description: 'Broken\n=====\n\n.. unknown-directive:: x\n\n`unclosed' }), withTwine({}));
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/Checking dist\/demo_pkg-1\.2\.3-py3-none-any\.whl: .*FAILED/);
    expect(r.out).toContain('`long_description` has syntax errors in markup and would not be rendered on PyPI');
  });

  maybe('a valid description, or none at all (PyPI accepts both), passes', () => {
    const markdown = runStep(check.run!, distDir('1.2.3', '', { contentType: 'text/markdown', description: '# Demo\n\nText.' }), withTwine({}));
    expect(markdown.out).toMatch(/Checking dist\/demo_pkg-1\.2\.3-py3-none-any\.whl: \S*PASSED/);
    expect(markdown.status).toBe(0);
    const none = runStep(check.run!, distDir('1.2.3', ''), withTwine({}));
    expect(none.out).toContain('`long_description` missing');
    expect(none.status).toBe(0);
  });
});

describe('after the publish job: installable, and provenance verified (verify/verify.py, tested in test/e2e/verify-release.test.ts)', () => {
  test('a job of its own after a successful publish job, read-only, the files by the build job\'s artifact id: nothing but the upload runs after the mint step', () => {
    const { jobs } = generated();
    expect(jobs.publish_pypi.steps!.map((s) => s.id).slice(-2)).toEqual(['mint', 'upload']);
    expect([jobs.summary_pypi.needs].flat()).toEqual(['build', 'publish_pypi']);
    expect(jobs.summary_pypi.steps!.find((s) => s.id === 'download_distributions')!.with).toEqual({ 'artifact-ids': '${{ needs.build.outputs.dist-artifact-id }}', 'path': 'dist/' });
    expect(jobs.summary_pypi.permissions).toEqual({ contents: 'read' });
    expect(jobs.summary_pypi.if).toBeUndefined();
  });

  test('it runs the vendored script for the expected publisher, with pypi-attestations from the vendored hash-locked set', () => {
    const project = pythonProject('uv');
    new PypiRelease(project, {});
    const out = synth(project);
    const steps = workflowAt(out, '.github/workflows/release.yml').doc.jobs.summary_pypi.steps!;
    expect(steps.map((s) => s.id)).toEqual(['checkout_verify', 'download_distributions', 'install_tools', 'install_verifier', 'verify']);
    expect(steps.find((s) => s.id === 'install_verifier')!.run!.split('\n')).toEqual([
      'uv venv --no-config --quiet "$RUNNER_TEMP/pypi-mint-verify"',
      'uv pip install --no-config --python "$RUNNER_TEMP/pypi-mint-verify"/bin/python --require-hashes --only-binary :all: --requirement .github/actions/pypi-verify/requirements.txt',
    ]);
    const verify = steps.find((s) => s.id === 'verify')!;
    expect(verify.run).toBe('"$RUNNER_TEMP/pypi-mint-verify"/bin/python .github/actions/pypi-verify/verify.py');
    expect(verify.env).toEqual({
      DIST_DIR: 'dist/',
      PROJECT: 'demo-pkg',
      SIMPLE_URL: 'https://pypi.org/simple/',
      PROJECT_URL: 'https://pypi.org/p/demo-pkg',
      INDEX_NAME: 'PyPI',
      ATTESTATIONS: 'true',
      PUBLISHER_REPOSITORY: expect.stringMatching(/^[^/]+\/[^/]+$/),
      PUBLISHER_WORKFLOW: 'release.yml',
      PUBLISHER_ENVIRONMENT: 'pypi',
      SIGSTORE_URL: 'https://fulcio.sigstore.dev',
      WAIT_SECONDS: '600',
    });
    const shipped = readFileSync(join(__dirname, '..', '..', 'verify', 'verify.py'), 'utf8');
    expect(String(out.files['.github/actions/pypi-verify/verify.py'])).toContain(shipped.split('\n').slice(1).join('\n'));
    expect(String(out.files['.github/actions/pypi-verify/requirements.txt'])).toContain('pypi-attestations==0.0.30');
  });

  test('with attestations off it still checks the files, with the runner\'s python3 and nothing installed', () => {
    const project = pythonProject('uv');
    new PypiRelease(project, { attestations: false });
    const steps = workflowAt(synth(project), '.github/workflows/release.yml').doc.jobs.summary_pypi.steps!;
    expect(steps.map((s) => s.id)).toEqual(['checkout_verify', 'download_distributions', 'verify']);
    expect(steps[2].run).toBe('python3 .github/actions/pypi-verify/verify.py');
    expect(steps[2].env).toMatchObject({ ATTESTATIONS: 'false' });
  });
});

describe('uploaders: no project scripts, re-runs finish', () => {
  test('pdm publishes without running any hook of the project', () => {
    expect(uploaderCommand(generated(Uploader.PDM).jobs.publish_pypi.steps!.find((s) => s.id === 'upload')?.run)).toBe('pdm publish --no-build --skip=:all');
  });

  test('uv skips files the index already has with the same hash', () => {
    expect(generated(Uploader.UV).jobs.publish_pypi.steps!.find((s) => s.id === 'upload')?.env).toMatchObject({ UV_PUBLISH_CHECK_URL: 'https://pypi.org/simple/' });
  });
});

describe('the same checks on every pull request (pullRequestChecks, on by default)', () => {
  test('a workflow of its own: pull_request, contents: read only, no token, the build and the upload-rule checks, nothing uploaded', () => {
    const project = pythonProject('uv');
    new PypiRelease(project, {});
    const out = synth(project);
    const { doc, text } = workflowAt(out, '.github/workflows/release-checks.yml');
    expect(doc.on).toEqual({ pull_request: {} });
    expect(doc.permissions).toEqual({ contents: 'read' });
    expect(Object.keys(doc.jobs)).toEqual(['check']);
    expect(doc.jobs.check.permissions).toEqual({ contents: 'read' });
    expect(doc.jobs.check.steps!.map((s) => s.id)).toEqual(['checkout', 'install_tools', 'build', 'check_sdist', 'check_upload_rules', 'check_metadata']);
    expect(doc.jobs.check.steps!.find((s) => s.id === 'check_upload_rules')!.run).toBe('python3 .github/actions/pypi-verify/precheck.py dist/');
    expect(text).not.toMatch(/id-token|secrets\.|upload-artifact|pypi-mint@|\.\/\.github\/actions\/pypi-mint/);
    // the release's build job runs the same check before its artifact leaves the job
    const build = workflowAt(out, '.github/workflows/release.yml').doc.jobs.build.steps!.map((s) => s.id);
    expect(build.indexOf('check_upload_rules')).toBeGreaterThan(build.indexOf('build'));
    expect(build.indexOf('check_upload_rules')).toBeLessThan(build.indexOf('upload_distributions'));
    const shipped = readFileSync(join(__dirname, '..', '..', 'verify', 'precheck.py'), 'utf8');
    expect(String(out.files['.github/actions/pypi-verify/precheck.py'])).toContain(shipped.split('\n').slice(1).join('\n'));
  });

  test('pullRequestChecks: false leaves it out', () => {
    const project = pythonProject('uv');
    new PypiRelease(project, { pullRequestChecks: false });
    expect(synth(project).workflows.map((w) => w.path)).not.toContain('.github/workflows/release-checks.yml');
  });
});
