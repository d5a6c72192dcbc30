/**
 * The generated `.gitlab-ci.yml` over the options matrix: GitLab's CI schema (the checks of pipeline-lint.ts) and
 * the invariants of docs/gitlab.md: only the publish jobs have id_tokens (their index's audience, and sigstore
 * exactly when they attest), nothing runs after the upload, no project code in a publish job, tools only from the
 * hash-locked sets, images pinned by digest, jobs only for release tags, no caches. Refusals in our words.
 */
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { gitlabSchemaFindings } from './pipeline-lint';
import { BuildTool, PypiGitlabRelease, PypiGitlabReleaseOptions, PypiIndex, Uploader } from '../../../src';
import { FLAVOURS, PythonFlavour, pythonProject, synth, tempOutdir } from '../projects';

type Job = {
  stage: string;
  image?: { name: string };
  rules?: Array<{ if: string }>;
  id_tokens?: Record<string, { aud: string }>;
  environment?: { name: string; url: string };
  script: string[];
  after_script?: unknown;
  cache?: unknown;
  variables?: Record<string, string>;
  needs?: Array<{ job: string }>;
};

const BUILD_TOOLS: Array<[string, BuildTool]> = [['UV', BuildTool.UV], ['POETRY', BuildTool.POETRY], ['PYPA_BUILD', BuildTool.PYPA_BUILD],
  ['HATCH', BuildTool.HATCH]];
const UPLOADERS: Array<[string, Uploader]> = [['UV', Uploader.UV], ['TWINE', Uploader.TWINE], ['POETRY', Uploader.POETRY], ['HATCH', Uploader.HATCH],
  ['PDM', Uploader.PDM], ['MATURIN', Uploader.MATURIN]];
const VARIANTS: Array<{ label: string; options: () => Partial<PypiGitlabReleaseOptions> }> = [
  { label: 'PyPI', options: () => ({}) },
  { label: 'TestPyPI then PyPI', options: () => ({ testPypiFirst: true }) },
  { label: 'PyPI + custom, no attestations', options: () => ({ attestations: false, indexes: [PypiIndex.pypi({ environment: 'release' }), PypiIndex.custom({ name: 'internal', uploadUrl: 'https://upload.pkg.example.com/legacy/', audience: 'pkg-example' })] }) },
  { label: 'continue without attestations, custom tags', options: () => ({ continueWithoutAttestations: true, tagPattern: '/^release-[0-9]+$/' }) },
];

function refusal(flavour: PythonFlavour, build: string): RegExp | undefined {
  if (build === 'POETRY' && flavour !== 'poetry') return /BuildTool\.POETRY builds poetry projects only/;
  if (flavour === 'pip' && build === 'HATCH') return /BuildTool\.HATCH needs a pyproject.toml/;
  return undefined;
}

const CELLS = FLAVOURS.flatMap((flavour) => BUILD_TOOLS.flatMap(([build]) => UPLOADERS.map(([upload]) => ({ flavour, build, upload }))))
  .map((cell, i) => ({ ...cell, variant: VARIANTS[i % VARIANTS.length] }));

/** Every invariant a generated pipeline must keep, as messages. */
function violations(doc: Record<string, Job>, attesting: boolean): string[] {
  const out: string[] = [];
  const jobs = Object.entries(doc).filter(([k]) => k !== 'stages');
  for (const [name, job] of jobs) {
    const publish = name.startsWith('publish-');
    if (!/@sha256:[0-9a-f]{64}$/.test(job.image?.name ?? '')) out.push(`${name}: image not pinned by digest`);
    if (!(job.rules ?? []).length || !(job.rules ?? []).every((r) => r.if.startsWith('$CI_COMMIT_TAG =~ /'))) out.push(`${name}: runs for something other than a release tag`);
    if (job.cache !== undefined) out.push(`${name}: uses a cache`);
    if (job.after_script !== undefined) out.push(`${name}: has after_script`);
    const installs = job.script.flatMap((l) => l.split('\n')).filter((l) => /\b(pip|uv pip) install\b/.test(l));
    for (const l of installs) if (!/--require-hashes --only-binary :all: --requirement \.gitlab\/pypi-mint\/requirements\/[a-z]+\.txt$/.test(l)) out.push(`${name}: unpinned install: ${l}`);
    if (!publish) {
      if (job.id_tokens || job.environment) out.push(`${name}: id_tokens or environment outside a publish job`);
      continue;
    }
    const tokens = Object.keys(job.id_tokens ?? {});
    if (!tokens.includes('PYPI_ID_TOKEN') || tokens.some((t) => !['PYPI_ID_TOKEN', 'SIGSTORE_ID_TOKEN'].includes(t))) out.push(`${name}: id_tokens ${tokens}`);
    if (job.id_tokens?.PYPI_ID_TOKEN.aud !== job.variables?.INPUT_AUDIENCE) out.push(`${name}: the token's aud is not the index's audience`);
    if (tokens.includes('SIGSTORE_ID_TOKEN') !== attesting || (attesting && job.id_tokens?.SIGSTORE_ID_TOKEN.aud !== 'sigstore')) out.push(`${name}: sigstore token without signing, or signing without it`);
    if (!job.environment?.name || !/^https:\/\//.test(job.environment.url)) out.push(`${name}: environment {name, url}`);
    if (!job.needs?.some((n) => n.job === 'build')) out.push(`${name}: does not take dist/ from the build job`);
    const lines = job.script;
    const last = lines[lines.length - 1];
    if (!/^\(\. "\$PYPI_MINT_OUTPUT" && rm -f "\$PYPI_MINT_OUTPUT" && cd "\$\{TMPDIR:-\/tmp\}\/pypi-mint-upload-\$CI_JOB_ID" && exec [^()]+\)$/.test(last)) {
      out.push(`${name}: the upload is not the last line, or not in the scratch directory`);
    }
    const scratch = lines[lines.length - 4] ?? '';
    if (!scratch.startsWith('rm -rf "${TMPDIR:-/tmp}/pypi-mint-upload-$CI_JOB_ID" && mkdir ') || !/^ln -s "\$CI_PROJECT_DIR\/([a-z0-9/_-]+\/)?dist" /m.test(scratch)
      || /pyproject\.toml/.test(scratch) !== ['poetry', 'pdm'].some((t) => last.includes(`exec ${t} `))) {
      out.push(`${name}: the scratch directory is not made right before the mint`);
    }
    if (lines[lines.length - 2] !== 'node .gitlab/pypi-mint/mint.cjs' || lines[lines.length - 3] !== 'export PYPI_MINT_OUTPUT="$(mktemp)"') out.push(`${name}: mint not right before the upload`);
    if (lines.some((l) => /\b(uv build|pyproject-build|poetry build|hatch build|pdm build|flit build|maturin (build|sdist)|pip install \.|uv sync|poetry install|version\.py)\b/.test(l))) {
      out.push(`${name}: runs project code`);
    }
    if (lines.filter((l) => l.includes('node .gitlab/pypi-mint/attest.cjs')).length !== (attesting ? 1 : 0)) out.push(`${name}: attest step`);
    if (JSON.stringify(job).includes('CI_JOB_TOKEN')) out.push(`${name}: uses CI_JOB_TOKEN`);
  }
  return out;
}

describe.each(CELLS)('$flavour project, BuildTool.$build, Uploader.$upload, $variant.label', ({ flavour, build, upload, variant }) => {
  const expected = refusal(flavour, build);
  const make = () => {
    const project = pythonProject(flavour);
    new PypiGitlabRelease(project, {
      projectPath: 'octo-group/sub/demo',
      buildTool: BUILD_TOOLS.find(([n]) => n === build)![1],
      uploader: UPLOADERS.find(([n]) => n === upload)![1],
      ...variant.options(),
    });
    return synth(project).files;
  };
  if (expected) {
    test('is refused at synth', () => expect(make).toThrow(expected));
    return;
  }
  test('passes the schema checks and keeps every invariant', () => {
    const files = make();
    const doc = parse(String(files['.gitlab-ci.yml'])) as Record<string, Job>;
    expect(gitlabSchemaFindings(doc)).toEqual([]);
    const attesting = ['UV', 'TWINE'].includes(upload) && !variant.label.includes('no attestations');
    expect(violations(doc, attesting)).toEqual([]);
    expect(files['.gitlab/pypi-mint/mint.cjs']).toBeDefined();
    expect(files['.gitlab/pypi-mint/attest.cjs'] !== undefined).toBe(attesting);
  });
});

test('the schema checks and the invariants catch what they are for', () => {
  const doc = { stages: ['build'], build: { stage: 'build', script: ['x'], id_tokens: { T: { aud: 1 } }, colour: 'red' } };
  expect(gitlabSchemaFindings(doc)).toEqual(['job build: unknown keyword colour', 'job build: id_tokens.T must be {aud: string | string[]}']);
  const job = { stage: 'build', image: { name: 'python:3' }, rules: [{ if: '$CI_COMMIT_BRANCH' }], script: ['pip install twine'], id_tokens: { PYPI_ID_TOKEN: { aud: 'pypi' } } };
  expect(violations({ build: job }, false)).toEqual(['build: image not pinned by digest', 'build: runs for something other than a release tag',
    'build: unpinned install: pip install twine', 'build: id_tokens or environment outside a publish job']);
});

describe('refusals', () => {
  const release = (options: PypiGitlabReleaseOptions) => () => new PypiGitlabRelease(pythonProject('uv'), options);
  test.each([
    [{}, /cannot tell which GitLab project publishes/],
    [{ projectPath: 'demo' }, /has no namespace/],
    [{ projectPath: 'octo-group/demo.git' }, /not a GitLab project name PyPI accepts/],
    [{ projectPath: 'octo-group/demo', indexes: [PypiIndex.pypi({ environment: 'py,pi' })] }, /environment "py,pi" may contain only/],
    [{ projectPath: 'octo-group/demo', indexes: [PypiIndex.custom({ name: 'internal', uploadUrl: 'https://upload.pkg.example.com/legacy/' })] }, /needs an audience for GitLab/],
    [{ projectPath: 'octo-group/demo', image: 'python:3.12-slim' }, /is not pinned by digest/],
    [{ projectPath: 'octo-group/demo', tagPattern: 'v*' }, /is not a GitLab CI regular expression/],
    [{ projectPath: 'octo-group/demo', uploader: Uploader.HATCH, attestations: true }, /attestations: true needs an uploader/],
  ] as Array<[PypiGitlabReleaseOptions, RegExp]>)('%j', (options, message) => expect(release(options)).toThrow(message));

  test('a self-managed GitLab origin is refused, saying why and what to do instead', () => {
    const outdir = tempOutdir();
    mkdirSync(join(outdir, '.git'));
    writeFileSync(join(outdir, '.git', 'config'), '[remote "origin"]\n\turl = git@gitlab.example.com:octo-group/demo.git\n');
    expect(() => new PypiGitlabRelease(pythonProject('uv', { outdir }))).toThrow(/the git origin remote is on gitlab\.example\.com, not gitlab\.com: PyPI trusts GitLab CI\/CD pipelines that run on gitlab\.com only .*could never publish\. Release from a gitlab\.com project/);
    // a mirror whose pipelines run on gitlab.com says so with projectPath
    expect(() => new PypiGitlabRelease(pythonProject('uv', { outdir }), { projectPath: 'octo-group/demo' })).not.toThrow();
  });

  test('the host of a remote, in each URL form git accepts', () => {
    const { remoteHost } = jest.requireActual('../../../src/component/gitlab-release');
    expect(['https://oauth2:x@GitLab.Example.com/g/p.git', 'ssh://git@gitlab.example.com:2222/g/p.git', 'git@gitlab.example.com:g/p.git']
      .map(remoteHost)).toEqual(['gitlab.example.com', 'gitlab.example.com', 'gitlab.example.com']);
    expect(remoteHost('/srv/repos/p.git')).toBeUndefined();
  });

  test('the project is found from a gitlab.com origin remote', () => {
    const { gitlabProjectFromUrl } = jest.requireActual('../../../src/component/gitlab-release');
    expect(gitlabProjectFromUrl('git@gitlab.com:octo-group/sub/demo.git')).toBe('octo-group/sub/demo');
    expect(gitlabProjectFromUrl('https://gitlab.com/octo-group/demo')).toBe('octo-group/demo');
    expect(gitlabProjectFromUrl('https://github.com/octo-org/demo')).toBeUndefined();
  });
});
