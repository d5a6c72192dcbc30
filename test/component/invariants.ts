/**
 * The invariants of every generated release workflow (docs/architecture.md), as a checker that lists every violation (so a
 * failing matrix cell says exactly what is wrong, not just "expected true").
 */
import { Workflow, WorkflowJob, WorkflowStep } from './projects';

/** The vendored steps in GitHub's self-repository form (the default) and in the checkout form. */
const MINT_FORMS = ['$/.github/actions/pypi-mint', './.github/actions/pypi-mint'];
const ATTEST_FORMS = ['$/.github/actions/pypi-attest', './.github/actions/pypi-attest'];
const isMint = (uses: string | undefined) => MINT_FORMS.includes(String(uses));
const isAttest = (uses: string | undefined) => ATTEST_FORMS.includes(String(uses));
const TOOLS_FORMS = ['$/.github/actions/pypi-tools', './.github/actions/pypi-tools'];
const isTools = (uses: string | undefined) => TOOLS_FORMS.includes(String(uses));
/** A tools step's names: each a pinned tool whose locked set the action holds (tools-action.ts checks again at run time). */
const TOOL_NAMES = /^(build|twine|poetry|hatch|pdm|flit|maturin)( (build|twine|poetry|hatch|pdm|flit|maturin))*$/;
/** A `run:` that installs something itself (the tools action does it, from hash-locked sets). */
const INSTALLS = /\b(pip install|uv tool install|pipx install|curl|wget)\b/;
const TOKEN_EXPR = '${{ steps.mint.outputs.api-token }}';
const SHA_PINNED = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+@[0-9a-f]{40}$/;
const CACHE_KEYS = ['cache', 'enable-cache', 'package-manager-cache', 'cache-dependency-path'];

export function isPublishJob(job: WorkflowJob): boolean {
  return (job.steps ?? []).some((s) => isMint(s.uses));
}

export function releaseWorkflowViolations(path: string, text: string, doc: Workflow): string[] {
  const v: string[] = [];
  const steps = (job: WorkflowJob) => job.steps ?? [];

  // stable top-level file: .github/workflows/<file>.yml, not a reusable workflow
  if (!/^\.github\/workflows\/[A-Za-z0-9._-]+\.ya?ml$/.test(path)) v.push(`workflow path ${path} is not a top-level workflow file`);
  const on = doc.on as Record<string, unknown>; // projen always writes the mapping form
  if ('workflow_call' in on) v.push('workflow is reusable (workflow_call): PyPI matches the called file');

  // permissions
  if (!isEmptyObject(doc.permissions)) v.push(`top-level permissions is ${JSON.stringify(doc.permissions)}, not {}`);

  // triggers
  for (const t of ['pull_request_target', 'workflow_run']) if (t in on) v.push(`dangerous trigger ${t}`);

  const publishJobs = Object.entries(doc.jobs).filter(([, job]) => isPublishJob(job));
  if (publishJobs.length === 0) v.push('no publish job');
  for (const [id, job] of Object.entries(doc.jobs)) {
    const perms = job.permissions;
    if (perms === undefined || typeof perms === 'string') v.push(`job ${id}: permissions ${JSON.stringify(perms)} is not an explicit map`);
    const idToken = typeof perms === 'object' ? perms['id-token'] : undefined;
    if (isPublishJob(job)) {
      // contents: read only for a checkout of what the job reads
      const checksOut = steps(job).some((s) => s.uses?.startsWith('actions/checkout@'));
      const expected = checksOut ? { 'id-token': 'write', 'contents': 'read' } : { 'id-token': 'write' };
      if (JSON.stringify(perms) !== JSON.stringify(expected)) {
        v.push(`publish job ${id}: permissions ${JSON.stringify(perms)}, expected exactly ${JSON.stringify(expected)}`);
      }
      const env = job.environment;
      if (!env || typeof env !== 'object' || !env.name || !env.url) v.push(`publish job ${id}: environment must be {name, url}, got ${JSON.stringify(env)}`);
      v.push(...publishJobViolations(id, steps(job), [job.needs ?? []].flat()));
    } else if (idToken !== undefined && idToken !== 'none') {
      v.push(`job ${id} is not a publish job but has id-token: ${idToken}`);
    }
  }

  // build and publish are separate: some job uploads dist/ and holds no id-token
  const builders = Object.entries(doc.jobs).filter(([, job]) => steps(job).some((s) => s.uses?.startsWith('actions/upload-artifact@')));
  if (builders.length === 0) v.push('no build job uploads dist/ as an artifact');
  for (const [id, job] of builders) {
    if (isPublishJob(job)) v.push(`job ${id} both builds and publishes`);
    for (const s of steps(job).filter((x) => x.uses?.startsWith('actions/upload-artifact@'))) {
      // dist/ only (jsii-pacmak's Python distributions: dist/python/)
      if (!/^([A-Za-z0-9._-]+\/)*dist\/(python\/)?$/.test(String(s.with?.path))) v.push(`job ${id}: uploads ${JSON.stringify(s.with?.path)} instead of dist/ only`);
    }
    // it outputs the artifact's id and the files' sha256 list, recorded right before the upload
    const uploadAt = steps(job).findIndex((x) => x.uses?.startsWith('actions/upload-artifact@'));
    const listAt = steps(job).findIndex((x) => x.id === 'dist_sha256');
    if (listAt < 0 || listAt !== uploadAt - 1) v.push(`job ${id}: no dist_sha256 step right before its upload-artifact step`);
    const outputs = job.outputs ?? {};
    if (outputs['dist-artifact-id'] !== `\${{ steps.${steps(job)[uploadAt].id}.outputs.artifact-id }}`) v.push(`job ${id}: no dist-artifact-id output from its upload-artifact step`);
    if (outputs['dist-sha256'] !== '${{ steps.dist_sha256.outputs.sha256 }}') v.push(`job ${id}: no dist-sha256 output from its dist_sha256 step`);
    // uv, the build tool and twine come from the tools action, before anything of the project runs
    const toolsAt = steps(job).findIndex((x) => isTools(x.uses));
    const buildAt = steps(job).findIndex((x) => x.id === 'build');
    // (the retrofit's packaging job runs projen's own build, with no tool of this package's)
    if (buildAt >= 0 && (toolsAt < 0 || toolsAt > buildAt)) v.push(`job ${id}: no tools step before its build step`);
    else if (toolsAt >= 0 && !TOOL_NAMES.test(String(steps(job)[toolsAt].with?.tools))) v.push(`job ${id}: tools step installs ${JSON.stringify(steps(job)[toolsAt].with)}`);
  }

  for (const [id, job] of Object.entries(doc.jobs)) {
    for (const s of steps(job)) {
      const where = `job ${id} step ${s.id ?? s.name}`;
      if (s.uses !== undefined) {
        if (s.uses.startsWith('./') || s.uses.startsWith('$/')) {
          if (!isMint(s.uses) && !isAttest(s.uses) && !isTools(s.uses)) v.push(`${where}: unexpected local action ${s.uses}`);
        } else if (!SHA_PINNED.test(s.uses)) {
          v.push(`${where}: ${s.uses} is not pinned to a full commit SHA`);
        }
        if (/^actions\/cache[@/]/.test(s.uses)) v.push(`${where}: cache action in a release workflow`);
        if (s.uses.startsWith('actions/checkout@') && s.with?.['persist-credentials'] !== false) {
          v.push(`${where}: actions/checkout without persist-credentials: false`);
        }
      }
      for (const key of CACHE_KEYS) {
        const value = s.with?.[key];
        if (value !== undefined && value !== false && value !== 'false') v.push(`${where}: ${key}=${JSON.stringify(value)} enables a cache`);
      }
      if (s.run !== undefined && s.run.includes('${{')) v.push(`${where}: \${{ }} inside run:`);
      if (s.run !== undefined && /GITHUB_ENV/.test(s.run)) v.push(`${where}: writes GITHUB_ENV`);
      // every tool from a hash-locked set: the tools action, or (the verifier) `uv pip install --require-hashes`
      if (s.run !== undefined && INSTALLS.test(s.run) && !/uv pip install --no-config --python \S+ --require-hashes --only-binary :all: --requirement \.github\/actions\/pypi-verify\/requirements\.txt/.test(s.run)) {
        v.push(`${where}: installs with ${JSON.stringify(s.run)}, not from a hash-locked set`);
      }
    }
  }

  // the token is referenced only from the upload steps' env
  const tokenRefs = text.split('steps.mint.outputs.api-token').length - 1;
  if (tokenRefs !== publishJobs.length) v.push(`the minted token is referenced ${tokenRefs} times for ${publishJobs.length} publish jobs`);
  return v;
}

/** The upload step's first lines: a fresh scratch directory outside the checkout, `dist` linked in, then `cd` into it. */
const SCRATCH_LINES = [
  /^rm -rf "\$RUNNER_TEMP\/pypi-mint-upload" && mkdir "\$RUNNER_TEMP\/pypi-mint-upload"$/,
  /^ln -s "\$GITHUB_WORKSPACE\/([A-Za-z0-9._-]+\/)*dist" "\$RUNNER_TEMP\/pypi-mint-upload"\/dist$/,
];
const SCRATCH_PROJECT = /^printf '%s\\n' '\[project\]' 'name = "[A-Za-z0-9._-]+"' 'version = "0"' > "\$RUNNER_TEMP\/pypi-mint-upload"\/pyproject\.toml$/;
const SCRATCH_CD = 'cd "$RUNNER_TEMP/pypi-mint-upload"';

function publishJobViolations(id: string, steps: WorkflowStep[], needs: string[]): string[] {
  const v: string[] = [];
  const ids = steps.map((s) => s.id);
  const mintAt = steps.findIndex((s) => isMint(s.uses));
  const mint = steps[mintAt];
  const upload = steps[mintAt + 1];
  const checkoutAt = steps.findIndex((s) => s.uses?.startsWith('actions/checkout@'));
  const downloadAt = steps.findIndex((s) => s.uses?.startsWith('actions/download-artifact@'));
  // PEP 740: each job signs its own download, before any tool is installed and before the token exists
  const attestAt = steps.findIndex((s) => isAttest(s.uses));
  const checkAt = steps.findIndex((s) => s.id === 'check_sha256');
  if (checkAt < 0 || checkAt !== downloadAt + 1) v.push(`publish job ${id}: the sha256 check must come right after the download; got ${ids.join(', ')}`);
  if (attestAt >= 0 && !(downloadAt < attestAt && attestAt < mintAt && attestAt === checkAt + 1)) {
    v.push(`publish job ${id}: the attest step must come right after the sha256 check and before mint; got ${ids.join(', ')}`);
  }
  // by the id the uploading job output, never by name; checked against that job's sha256 list
  const download = steps[downloadAt];
  const byId = /^\$\{\{ needs\.([A-Za-z0-9_-]+)\.outputs\.dist-artifact-id \}\}$/.exec(String(download?.with?.['artifact-ids'] ?? ''));
  if (!byId || download?.with?.name !== undefined || !needs.includes(byId[1])) {
    v.push(`publish job ${id}: downloads ${JSON.stringify(download?.with)}, not by the artifact id a needed job output`);
  } else if (steps[checkAt]?.env?.BUILT_SHA256 !== `\${{ needs.${byId[1]}.outputs.dist-sha256 }}`) {
    v.push(`publish job ${id}: the sha256 check does not read ${byId[1]}'s dist-sha256 output`);
  }
  if (mint.id !== 'mint') v.push(`publish job ${id}: the mint step's id is ${mint.id}, not mint`);
  if (mint.with && 'export-env' in mint.with) v.push(`publish job ${id}: mint step exports the token to GITHUB_ENV`);
  if (attestAt >= 0 && steps[attestAt].uses?.[0] !== mint.uses?.[0]) v.push(`publish job ${id}: the mint and attest steps are referenced in two forms`);
  const checkoutForm = mint.uses?.startsWith('./') ?? false;
  if (downloadAt < 0 || !(downloadAt < mintAt) || (checkoutAt >= 0 && checkoutAt > downloadAt)) {
    v.push(`publish job ${id}: expected any checkout first, then the artifact download, then mint; got ${ids.join(', ')}`);
  }
  if (checkoutForm && checkoutAt < 0) v.push(`publish job ${id}: runs the vendored steps as ./ without checking them out`);
  // the tools (uv and the uploader) after signing, before the mint, in the vendored steps' form
  const toolsAt = steps.findIndex((s) => isTools(s.uses));
  if (toolsAt < 0 || toolsAt > mintAt || toolsAt < Math.max(attestAt, checkAt)) v.push(`publish job ${id}: the tools step must come after the sha256 check and any attest step, before mint; got ${ids.join(', ')}`);
  else if (steps[toolsAt].uses?.[0] !== mint.uses?.[0]) v.push(`publish job ${id}: the tools and mint steps are referenced in two forms`);
  else if (steps[toolsAt].with !== undefined && !TOOL_NAMES.test(String(steps[toolsAt].with?.tools))) v.push(`publish job ${id}: tools step installs ${JSON.stringify(steps[toolsAt].with)}`);
  const checkout = steps[checkoutAt];
  if (checkout) {
    const sparse = String(checkout.with?.['sparse-checkout'] ?? '').split('\n');
    // only the vendored steps in the checkout form (the locked sets are in the tools action's directory); with $/ none
    const allowed = checkoutForm
      ? ['/.github/actions/pypi-tools/', '/.github/actions/pypi-mint/', ...(attestAt >= 0 ? ['/.github/actions/pypi-attest/'] : [])]
      : [];
    if (checkoutForm && !sparse.includes('/.github/actions/pypi-mint/')) v.push(`publish job ${id}: checkout is not a sparse checkout of the action (${JSON.stringify(sparse)})`);
    if (sparse.some((p) => !allowed.includes(p))) {
      v.push(`publish job ${id}: sparse checkout pulls more than the job reads (${allowed.join(', ') || 'nothing'}): ${JSON.stringify(sparse)}`);
    }
  }
  if (!upload || upload.id !== 'upload' || upload.run === undefined) {
    v.push(`publish job ${id}: the step after mint is not the upload step`);
  } else {
    // the uploader runs in a fresh scratch directory: nothing of the repository's is in its working directory
    const lines = upload.run.split('\n');
    const cdAt = lines.indexOf(SCRATCH_CD);
    const preamble = lines.slice(0, cdAt);
    if (upload['working-directory'] !== undefined || cdAt < 0 || !SCRATCH_LINES.every((r, i) => r.test(preamble[i] ?? ''))
      || !preamble.slice(SCRATCH_LINES.length).every((l) => SCRATCH_PROJECT.test(l)) || preamble.length > SCRATCH_LINES.length + 1) {
      v.push(`publish job ${id}: the upload step does not run its uploader in a fresh scratch directory: ${JSON.stringify(upload.run)}`);
    }
    if (lines.slice(cdAt + 1).some((l) => /\bcd\b|pushd/.test(l))) v.push(`publish job ${id}: the upload step leaves its scratch directory`);
    const tokenVars = Object.entries(upload.env ?? {}).filter(([, value]) => value === TOKEN_EXPR);
    if (tokenVars.length !== 1) v.push(`publish job ${id}: upload step takes the token in ${tokenVars.length} env vars`);
    // uv's UV_PUBLISH_CHECK_URL (the index's simple API, read to skip identical files on a re-run) is the one other URL
    const urlValues = Object.entries(upload.env ?? {})
      .filter(([name, value]) => name !== 'UV_PUBLISH_CHECK_URL' && typeof value === 'string' && /^https:\/\//.test(value))
      .map(([, value]) => value);
    if (urlValues.length !== 1 || urlValues[0] !== mint.with?.['index-url']) {
      v.push(`publish job ${id}: upload URL env ${JSON.stringify(urlValues)} is not the literal index-url ${JSON.stringify(mint.with?.['index-url'])}`);
    }
  }
  steps.forEach((s, i) => {
    if (s.run === undefined || i === mintAt + 1 || i === checkAt) return;
    v.push(`publish job ${id}: step ${s.id} runs ${JSON.stringify(s.run)}, which is neither the sha256 check nor the upload`);
  });
  for (const s of steps) {
    if (s.env && s !== upload && Object.values(s.env).includes(TOKEN_EXPR)) v.push(`publish job ${id}: step ${s.id} sees the token`);
  }
  return v;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}
