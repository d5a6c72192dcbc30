import { github } from 'projen';

/** Name of the artifact that carries `dist/` from the build (or packaging) job to the publish jobs. */
export const DIST_ARTIFACT = 'python-distributions';

/** Where the jobs run: runner labels, and the project's directory relative to the repository root ('' at the root). */
export interface JobPlacement {
  readonly runsOn: string[];
  readonly projectDir: string;
}

/** The project's dist/ directory, relative to the repository root. */
export function distDir(where: JobPlacement): string {
  return where.projectDir ? `${where.projectDir}/dist/` : 'dist/';
}

/**
 * The outputs of the job that uploads the distributions (the build job, the retrofit's packaging job): the id of the
 * artifact it uploaded (publish jobs download by id, so an artifact another job uploads under the same name later is
 * never theirs) and the sha256 list of the files in it (publish jobs check what they downloaded against it).
 */
export const DIST_OUTPUTS = { artifactId: 'dist-artifact-id', sha256: 'dist-sha256' } as const;

/** Where the sha256 list comes from: a step of the uploading job (`sha256sum -- *` in dist/, in the C locale). */
const SHA256_STEP_ID = 'dist_sha256';
/** The upload-artifact step's id in the uploading job. */
export const DIST_UPLOAD_STEP_ID = 'upload_distributions';

/** `sha256sum` over every file of the current directory, the same way in the job that lists and the one that checks. */
const SHA256_LIST = 'sha256sum -- *';

/** The step of the uploading job that records the sha256 of every file it hands over, before the upload-artifact step. */
export function distSha256Step(dir: string): github.workflows.JobStep {
  return {
    name: 'Record the sha256 of each distribution',
    id: SHA256_STEP_ID,
    workingDirectory: dir,
    env: { LC_ALL: 'C' },
    // every line starts with a hash (sha256sum escapes a name with a newline), so no line can end the heredoc
    run: ['{', '  echo "sha256<<SHA256_LIST_END"', `  ${SHA256_LIST}`, '  echo "SHA256_LIST_END"', '} >> "$GITHUB_OUTPUT"'].join('\n'),
  };
}

/** The uploading job's `outputs:`: the artifact's id and the sha256 list. */
export function distJobOutputs(): Record<string, github.workflows.JobStepOutput> {
  return {
    [DIST_OUTPUTS.artifactId]: { stepId: DIST_UPLOAD_STEP_ID, outputName: 'artifact-id' },
    [DIST_OUTPUTS.sha256]: { stepId: SHA256_STEP_ID, outputName: 'sha256' },
  };
}

/** The download of the artifact `job` uploaded, by its id (never by name), into `path`. */
export function distDownloadStep(job: string, path: string): github.workflows.JobStep {
  return {
    name: 'Download distributions',
    id: 'download_distributions',
    uses: github.ActionRefs.ACTIONS_DOWNLOAD_ARTIFACT,
    with: { 'artifact-ids': `\${{ needs.${job}.outputs.${DIST_OUTPUTS.artifactId} }}`, path },
  };
}

/**
 * Before anything signs or uploads them: the downloaded files are exactly the ones `job` hashed, byte for byte and
 * none more or fewer. The lists are shown between `::stop-commands::` markers: file names are the build's text.
 */
export function distSha256CheckStep(job: string, dir: string): github.workflows.JobStep {
  return {
    name: 'Check the distributions against the build\'s sha256 list',
    id: 'check_sha256',
    workingDirectory: dir,
    env: { LC_ALL: 'C', BUILT_SHA256: `\${{ needs.${job}.outputs.${DIST_OUTPUTS.sha256} }}` },
    run: [
      `downloaded="$(${SHA256_LIST})" || downloaded=""`,
      'if [ -n "$BUILT_SHA256" ] && [ "$downloaded" = "$BUILT_SHA256" ]; then',
      '  echo "$(printf \'%s\\n\' "$downloaded" | wc -l) files, each with the sha256 the build job recorded"',
      '  exit 0',
      'fi',
      `echo "::error title=Distributions changed after the build::The downloaded files are not the ones the ${job} job hashed; nothing was signed or uploaded."`,
      'marker="$(od -An -N16 -tx1 /dev/urandom | tr -d \' \\n\')"',
      'echo "::stop-commands::$marker"',
      `echo "${job} job:"`,
      'printf \'%s\\n\' "${BUILT_SHA256:-(no list)}"',
      'echo "downloaded:"',
      'printf \'%s\\n\' "${downloaded:-(no files)}"',
      'echo "::$marker::"',
      'exit 1',
    ].join('\n'),
  };
}
