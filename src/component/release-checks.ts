import { github } from 'projen';
import { hashPinnedInstallCommand, vendoredRequirementsPath } from './pins';
import { JobPlacement, distDir } from './placement';
import { PRECHECK_SCRIPT } from './verify-files';

/**
 * The checks before an upload, as workflow steps of the build job: the metadata is what PyPI accepts (the version
 * check is version-from-tag.ts; what happens after the upload is verify-job.ts).
 */

/**
 * `twine check`: metadata PyPI would refuse (a description that does not render as its content type says, a
 * malformed file) fails here, before any upload. Not `--strict`: that also fails on warnings PyPI does not refuse
 * (no long description at all, as projen's setuptools projects have, or no content type), which twine still prints.
 */
export function metadataCheckSteps(where: JobPlacement): github.workflows.JobStep[] {
  return [
    uploadRulesCheckStep(where),
    { name: 'Install twine (metadata check)', id: 'install_twine', run: hashPinnedInstallCommand('twine', vendoredRequirementsPath('twine')) },
    { name: 'Check the metadata', id: 'check_metadata', workingDirectory: where.projectDir || undefined, run: 'twine check dist/*' },
  ];
}

/**
 * PyPI's upload rules that the files alone decide (verify/precheck.py, vendored next to the verify script): archive
 * kind and members, Metadata-Version, PEP 625 sdist names, normalised wheel names, RECORD, entry points, license
 * fields, files that are neither wheels nor sdists. The runner's `python3`, standard library only.
 */
export function uploadRulesCheckStep(where: JobPlacement): github.workflows.JobStep {
  return { name: "Check PyPI's upload rules", id: 'check_upload_rules', run: `python3 ${PRECHECK_SCRIPT} ${distDir(where)}` };
}
