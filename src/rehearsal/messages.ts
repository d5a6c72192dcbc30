/** Every message `pypi:rehearse` writes to its user, in one place. */

export const REHEARSE_COMMAND = 'npx projen pypi:rehearse';

export const MESSAGES = {
  usage: (): string => [
    'Usage: pypi-mint-rehearse --tag <tag> [options]   (in a project: npx projen pypi:rehearse --tag <tag>)',
    '',
    'Rehearses the release a push of <tag> would start: the tagged commit\'s release workflow, every job in needs',
    'order with the real pinned tools, against a loopback emulator of each index, GitHub\'s OIDC issuer and Sigstore.',
    '',
    '  --tag <tag>                 the tag to rehearse (it must exist in the local repository)',
    '  --publisher [<index>=]<owner>/<repo>:<workflow.yml>[@<environment>]',
    '                              the trusted publisher as you registered it on the index (repeatable; without',
    '                              <index>= it applies to every index; without @<environment>, any environment)',
    '  --allow-dirty               rehearse the tag even when the working tree has uncommitted changes',
    '  --verbose                   print every step\'s log, not only the logs of failed steps',
    '  --keep                      keep the run\'s temp directory (checkouts, dists, the fresh environment)',
    '  --cache-dir <dir>           where uv and pypi-attestations are installed (default ~/.cache/projen-pypi-mint)',
    '  --timing <file>             write where the time went (the tools\' own, the runner\'s and the emulators\', by',
    '                              phase) to <file> as JSON, after a run that got through its jobs',
    '',
    'Set by the pypi:rehearse task from the PypiRelease settings:',
    '  --workflow <file>  --repository <owner>/<name>  --project <distribution>',
    '  --index <name> --upload-url <url> --web-url <url> --environment <name> [--display-name <text>]  (per index)',
    'or, from the PypiGitlabRelease settings (the tagged commit\'s .gitlab-ci.yml, its jobs in stage order, against',
    'an emulator of each index, GitLab\'s OIDC issuer and Sigstore; --publisher does not apply):',
    '  --gitlab-project <namespace>/<project>  --project <distribution>  --index ... (per index, as above)',
  ].join('\n'),
  badArgument: (arg: string): string => `unknown or incomplete option '${arg}' (pypi-mint-rehearse --help lists the options)`,
  missing: (what: string): string => `${what} is missing: ${REHEARSE_COMMAND} --tag <tag> (e.g. --tag v1.2.3)`,
  badPublisher: (value: string, why: string): string =>
    `--publisher ${value}: ${why}; the form is [<index>=]<owner>/<repo>:<workflow.yml>[@<environment>], e.g. octo-org/demo:release.yml@pypi`,
  unknownIndex: (name: string, known: string[]): string => `--publisher names index '${name}', which the workflow does not publish to (indexes: ${known.join(', ')})`,
  notGit: (dir: string, detail: string): string => `${dir} is not in a git repository (${detail}): a release is a pushed tag, so the rehearsal checks out a tag of the local repository`,
  noTag: (tag: string, recent: string[]): string =>
    `tag '${tag}' does not exist in the local repository${recent.length ? ` (newest tags: ${recent.join(', ')})` : ' (it has no tags)'}: ` +
    `create it on the commit to release (git tag ${tag}), then ${REHEARSE_COMMAND} --tag ${tag}`,
  dirty: (tag: string, changes: string[]): string =>
    `the working tree has changes that tag '${tag}' does not carry (a push of the tag releases only what is committed):\n` +
    `${changes.slice(0, 12).map((c) => `    ${c}`).join('\n')}${changes.length > 12 ? `\n    ... and ${changes.length - 12} more` : ''}\n` +
    `  commit them and move the tag (git tag -f ${tag}), or stash them; --allow-dirty rehearses the tag as it is`,
  tagElsewhere: (tag: string, tagSha: string, headSha: string): string =>
    `note: tag '${tag}' is at ${tagSha.slice(0, 12)}, HEAD at ${headSha.slice(0, 12)}: rehearsing the tagged commit, which is what a push of the tag releases`,
  noWorkflow: (file: string, where: string): string =>
    `${where} has no .github/workflows/${file}: synthesize (npx projen), commit the workflow, and tag that commit`,
  notTriggered: (file: string, tag: string, reason: string, where: string): string =>
    `GitHub would start no run of ${file} for a push of tag '${tag}' (${where}): ${reason}.\n` +
    '  The tags that start it are PypiRelease\'s `triggers.tagPatterns` option: add a pattern that matches the tag, ' +
    'or tag the release in a form the patterns match.',
  workflowChanged: (file: string, tag: string): string =>
    `note: .github/workflows/${file} in the working tree differs from the one at tag '${tag}'; the run uses the tag's, as GitHub does`,
  noPipeline: (where: string): string =>
    `${where} has no .gitlab-ci.yml: synthesize (npx projen), commit the pipeline, and tag that commit`,
  notRunByPipeline: (tag: string, rules: string[]): string =>
    `the pipeline at tag '${tag}' runs no job for it (its rules: ${rules.join(', ') || 'none'}).\n` +
    '  The tags that release are PypiGitlabRelease\'s `tagPattern` option: tag the release in a form it matches, or change it.',
  pipelineChanged: (tag: string): string =>
    `note: .gitlab-ci.yml in the working tree differs from the one at tag '${tag}'; the run uses the tag's, as GitLab does`,
  gitlabAudienceMissing: (job: string): string =>
    `the pipeline's ${job} job has no id_tokens entry for its index: synthesize (npx projen) and commit the pipeline`,
  noPython: (candidate: string, detail: string): string =>
    `${candidate} (a Python 3 with pip, like a runner's; set PYTHON to another) cannot run: ${detail}`,
  oldPython: (python: string, version: string, min: string): string => `${python} is Python ${version}; the pinned tools need Python >= ${min} (set PYTHON)`,
  toolInstallFailed: (tool: string, detail: string): string => `installing ${tool} from its hash-locked set (from PyPI) failed:\n${detail}`,
  refusedUrl: (): string => 'is not on this machine: a rehearsal contacts nothing real (uploads, GitHub OIDC, Fulcio and Rekor stay on loopback)',
  gitlabIntro: (tag: string, projectPath: string, project: string): string =>
    `Rehearsing the GitLab release of tag '${tag}': .gitlab-ci.yml, ${projectPath}, project ${project}`,
  stopped: (why: string): string => `The rehearsal stopped: ${why}`,
  leak: (detail: string): string => `a secret appeared in captured output (${detail}); nothing of it is printed here`,
} as const;
