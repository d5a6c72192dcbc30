import { github } from 'projen';
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
 * twine is installed with the job's other tools, before anything of the project runs (tools-action.ts).
 */
export function metadataCheckSteps(where: JobPlacement): github.workflows.JobStep[] {
  return [
    uploadRulesCheckStep(where),
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

/**
 * The build job's sdist check: no sdist may carry projen's, npm's or this package's files (the paths arrive as JSON
 * in FOREIGN_PATHS, a trailing `/` meaning a directory, relative to the sdist's top directory). `report` is the
 * statement that prints the refusal: a workflow command on GitHub, a plain line in a GitLab job log.
 */
const sdistCheck = (whose: string, report: string) => String.raw`
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
        print(f"{path}: none of projen's, npm's or ${whose} files")
        continue
    failed = True
    shown = ", ".join(found[:8]) + (f" and {len(found) - 8} more" if len(found) > 8 else "")
${report}
sys.exit(1 if failed else 0)
`;

const GITHUB_SDIST_CHECK = sdistCheck('the release workflow\'s', String.raw`    print(f"::error file={escape(path)},title=The sdist carries files that are not the package's::"
          f"{escape(name)} contains {len(found)} file(s) of projen, npm or the release workflow: {escape(shown)}. "
          f"Nothing was uploaded. {escape(fix)}")`);

const GITLAB_SDIST_CHECK = sdistCheck('the release pipeline\'s', String.raw`    print(f"ERROR: the sdist carries files that are not the package's: {path} contains {len(found)} file(s) "
          f"of projen, npm or the release pipeline: {shown}. Nothing was uploaded. {fix}")`);

function python(script: string, args: string): string {
  return `python3 - ${args} <<'PY'\n${script.trim()}\nPY`;
}

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
    run: python(GITHUB_SDIST_CHECK, 'dist'),
  };
}

/**
 * The same check as a GitLab job's script line, run from the repository root: `dist` is the project's `dist/`
 * (relative to it), the paths and the fix reach the script as environment variables of its command only.
 */
export function gitlabSdistCheckLine(dist: string, settings: SdistCheckSettings): string {
  return `FOREIGN_PATHS=${shellQuote(JSON.stringify(settings.paths))} SDIST_FIX=${shellQuote(settings.fix)} ${python(GITLAB_SDIST_CHECK, shellQuote(dist))}`;
}

/** One argument for sh, single-quoted. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}
