/**
 * Where a publish job runs its uploader, on GitHub and on GitLab alike: a directory of its own outside the checkout
 * that holds nothing of the repository's, only `dist` (a link to the distributions the build handed over) and, for
 * the uploaders that upload from a project (poetry, pdm), a generated pyproject.toml with the distribution's name.
 * So no pyproject.toml, uv.toml, poetry.toml, pdm.toml, hatch.toml or .pypirc the repository controls can redirect
 * the upload, turn TLS off, add options or plugins, or run hooks in the job that holds the token, wherever the
 * checkout put files.
 */

/** Where the scratch directory is, and where the distributions it links to are, as shell words. */
export interface UploadScratch {
  /** The directory, a double-quoted shell word (e.g. `"$RUNNER_TEMP/pypi-mint-upload"`). */
  readonly dir: string;
  /** The distributions' directory as an absolute path, a double-quoted shell word (no trailing slash). */
  readonly dist: string;
  /**
   * The distribution name, for uploaders that read one from a project (UploaderSpec.needsProject); undefined for
   * the others. A validated distribution name ([A-Za-z0-9._-]): safe in single quotes and in a TOML string.
   */
  readonly projectName?: string;
}

/** The lines that make the scratch directory afresh (no token needed), without entering it. */
export function makeUploadScratch(scratch: UploadScratch): string[] {
  return [
    `rm -rf ${scratch.dir} && mkdir ${scratch.dir}`,
    `ln -s ${scratch.dist} ${scratch.dir}/dist`,
    ...(scratch.projectName === undefined ? [] : [
      `printf '%s\\n' '[project]' 'name = "${scratch.projectName}"' 'version = "0"' > ${scratch.dir}/pyproject.toml`,
    ]),
  ];
}
