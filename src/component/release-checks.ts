import { github } from 'projen';
import { hashPinnedInstallCommand, vendoredRequirementsPath } from './pins';
import { JobPlacement } from './placement';

/**
 * The checks around an upload, as workflow steps: before it (build job: the metadata is what PyPI accepts; the
 * version check is version-from-tag.ts) and after it (publish job: what was published, in the step summary, a small
 * Python program run by the runner's `python3` with the standard library only).
 */

/** The publish job's summary: each file on the index, with its size and sha256, and the project's page. */
const SUMMARY = String.raw`
import hashlib, os, sys

dist, index, url = sys.argv[1], os.environ["INDEX_NAME"], os.environ["PROJECT_URL"]
safe = lambda s: "".join(c if c.isalnum() or c in "._+-!" else "_" for c in s)
lines = [f"### Published to {index}", "", f"Project: {url}", "", "| file | size (bytes) | sha256 |", "|---|---:|---|"]
for name in sorted(os.listdir(dist)):
    path = os.path.join(dist, name)
    if name.startswith(".") or not os.path.isfile(path):
        continue
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    lines.append(f"| {safe(name)} | {os.path.getsize(path)} | {digest} |")
with open(os.environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as out:
    out.write("\n".join(lines) + "\n")
print("\n".join(lines))
`;

function python(script: string, args: string): string {
  return `python3 - ${args} <<'PY'\n${script.trim()}\nPY`;
}

/**
 * `twine check`: metadata PyPI would refuse (a description that does not render as its content type says, a
 * malformed file) fails here, before any upload. Not `--strict`: that also fails on warnings PyPI does not refuse
 * (no long description at all, as projen's setuptools projects have, or no content type), which twine still prints.
 */
export function metadataCheckSteps(where: JobPlacement): github.workflows.JobStep[] {
  return [
    { name: 'Install twine (metadata check)', id: 'install_twine', run: hashPinnedInstallCommand('twine', vendoredRequirementsPath('twine')) },
    { name: 'Check the metadata', id: 'check_metadata', workingDirectory: where.projectDir || undefined, run: 'twine check dist/*' },
  ];
}

/** What was published, in the step summary. */
export function publishedSummaryStep(indexName: string, projectUrl: string, where: JobPlacement): github.workflows.JobStep {
  return {
    name: 'Summary',
    id: 'summary',
    workingDirectory: where.projectDir || undefined,
    env: { INDEX_NAME: indexName, PROJECT_URL: projectUrl },
    run: python(SUMMARY, 'dist'),
  };
}
