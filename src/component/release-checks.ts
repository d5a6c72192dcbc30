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

/**
 * The build job's sdist check: no sdist may carry projen's, npm's or this package's files (the paths arrive as JSON
 * in FOREIGN_PATHS, a trailing `/` meaning a directory, relative to the sdist's top directory).
 */
const SDIST_CHECK = String.raw`
import json, os, sys, tarfile

def escape(text):
    return str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

dist = sys.argv[1]
paths = json.loads(os.environ["FOREIGN_PATHS"])
fix = os.environ.get("SDIST_FIX", "")
failed = False
for name in sorted(os.listdir(dist)):
    if not name.endswith(".tar.gz"):
        continue
    path = os.path.join(dist, name)
    with tarfile.open(path) as t:
        members = [m.name.split("/", 1)[1] for m in t.getmembers() if "/" in m.name and not m.isdir()]
    found = sorted(m for m in members if any(m == p or (p.endswith("/") and m.startswith(p)) for p in paths))
    if not found:
        print(f"{path}: none of projen's, npm's or the release workflow's files")
        continue
    failed = True
    shown = ", ".join(found[:8]) + (f" and {len(found) - 8} more" if len(found) > 8 else "")
    print(f"::error file={escape(path)},title=The sdist carries files that are not the package's::"
          f"{escape(name)} contains {len(found)} file(s) of projen, npm or the release workflow: {escape(shown)}. "
          f"Nothing was uploaded. {escape(fix)}")
sys.exit(1 if failed else 0)
`;

/** What the sdist check looks for, and how the message tells the user to fix it. */
export interface SdistCheckSettings {
  readonly paths: string[];
  readonly fix: string;
}

/** The sdist check, run in the build job after the build. */
export function sdistCheckStep(where: JobPlacement, settings: SdistCheckSettings): github.workflows.JobStep {
  return {
    name: 'Check the sdist for foreign files',
    id: 'check_sdist',
    workingDirectory: where.projectDir || undefined,
    env: { FOREIGN_PATHS: JSON.stringify(settings.paths), SDIST_FIX: settings.fix },
    run: python(SDIST_CHECK, 'dist'),
  };
}
