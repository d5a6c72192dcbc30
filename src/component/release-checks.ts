import { github } from 'projen';
import { hashPinnedInstallCommand, vendoredRequirementsPath } from './pins';
import { JobPlacement } from './placement';

/**
 * The checks around an upload, as workflow steps: before it (build job: the version agrees with the tag, the
 * metadata is what PyPI accepts) and after it (publish job: what was published, in the step summary). The checks
 * are small Python programs run by the runner's `python3` with the standard library only, so they install nothing
 * and read nothing from the project but `dist/`.
 */

/**
 * PEP 440 versions compared as PyPI compares them: `v1.2.3rc1` equals `1.2.3rc1` and `1.2.3-rc.1`, `1.2` equals
 * `1.2.0`. The pattern is the one in PEP 440's appendix (packaging's VERSION_PATTERN).
 */
const PEP440 = String.raw`
import os, re, sys, tarfile, zipfile
from email.parser import HeaderParser

VERSION = re.compile(r"""^\s*v?(?:(?:(?P<epoch>[0-9]+)!)?(?P<release>[0-9]+(?:\.[0-9]+)*)
    (?P<pre>[-_\.]?(?P<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_\.]?(?P<pre_n>[0-9]+)?)?
    (?P<post>(?:-(?P<post_n1>[0-9]+))|(?:[-_\.]?(?P<post_l>post|rev|r)[-_\.]?(?P<post_n2>[0-9]+)?))?
    (?P<dev>[-_\.]?(?P<dev_l>dev)[-_\.]?(?P<dev_n>[0-9]+)?)?)
    (?:\+(?P<local>[a-z0-9]+(?:[-_\.][a-z0-9]+)*))?\s*$""", re.VERBOSE | re.IGNORECASE)
PRE = {"alpha": "a", "beta": "b", "c": "rc", "pre": "rc", "preview": "rc"}


def canonical(text):
    m = VERSION.match(text)
    if not m:
        return None
    release = [int(part) for part in m["release"].split(".")]
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    pre = (PRE.get(m["pre_l"].lower(), m["pre_l"].lower()), int(m["pre_n"] or 0)) if m["pre_l"] else None
    post = int(m["post_n1"] or m["post_n2"] or 0) if (m["post_n1"] or m["post_l"]) else None
    dev = int(m["dev_n"] or 0) if m["dev_l"] else None
    local = tuple(int(p) if p.isdigit() else p for p in re.split(r"[-_.]", m["local"].lower())) if m["local"] else None
    return (int(m["epoch"] or 0), tuple(release), pre, post, dev, local)


def escape(text):
    return str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def fail(path, title, message):
    print(f"::error file={escape(path)},title={escape(title)}::{escape(message)}")
    sys.exit(1)


def metadata_version(path):
    """The Version field of a wheel's METADATA or an sdist's PKG-INFO."""
    if path.endswith(".whl"):
        with zipfile.ZipFile(path) as z:
            names = [n for n in z.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n)]
            text = z.read(names[0]).decode("utf-8") if names else None
    elif path.endswith(".tar.gz"):
        with tarfile.open(path) as t:
            members = [m for m in t.getmembers() if re.fullmatch(r"[^/]+/PKG-INFO", m.name)]
            text = t.extractfile(members[0]).read().decode("utf-8") if members else None
    elif path.endswith(".zip"):
        with zipfile.ZipFile(path) as z:
            names = [n for n in z.namelist() if re.fullmatch(r"[^/]+/PKG-INFO", n)]
            text = z.read(names[0]).decode("utf-8") if names else None
    else:
        return None
    if text is None:
        fail(path, "No metadata", f"{path} has no METADATA / PKG-INFO, so its version cannot be checked")
    return HeaderParser().parsestr(text).get("Version")
`;

/** The build job's version check: every distribution's version equals the tag's (PEP 440, normalised). */
const VERSION_CHECK = `${PEP440}

def tag_version(tag):
    """The version a tag names: the whole tag (v1.2.3, 1.2.3), or its tail after a prefix (pkg-v1.2.3, pkg/1.2.3)."""
    for i, c in enumerate(tag):
        if c.isdigit() and (i == 0 or tag[i - 1] in "-_/v"):
            if canonical(tag[i:]) is not None:
                return tag[i:]
    return None


dist = sys.argv[1]
files = sorted(os.path.join(dist, f) for f in os.listdir(dist) if not f.startswith("."))
found = [(f, metadata_version(f)) for f in files]
found = [(f, v) for f, v in found if v is not None]
if not found:
    fail(dist, "No distributions", f"{dist} holds no wheel or sdist to check")
ref_type, tag = os.environ.get("GITHUB_REF_TYPE", ""), os.environ.get("GITHUB_REF_NAME", "")
if ref_type != "tag":
    event = os.environ.get("GITHUB_EVENT_NAME", "this")
    print(f"::notice title=No release tag::This {escape(event)} run is on {escape(ref_type or 'a ref')} {escape(tag)}, not a tag: "
          f"there is no tag to compare version {escape(found[0][1])} with. Publishing what was built.")
    sys.exit(0)
wanted = tag_version(tag)
if wanted is None:
    fail(found[0][0], "Tag is not a version", f"The tag {tag} names no PEP 440 version, so the distributions' version cannot be checked against it")
for path, version in found:
    if canonical(version) != canonical(wanted):
        fail(path, "Version does not match the tag",
             f"{path} has version {version}, but the tag {tag} says {wanted} (PEP 440, normalised). "
             "Nothing was uploaded: fix the version or tag the right commit.")
    print(f"{path}: version {version} matches the tag {tag}")
`;

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

/** The version check, run in the build job right after the build. */
export function versionCheckStep(where: JobPlacement): github.workflows.JobStep {
  return {
    name: 'Check the version against the tag',
    id: 'check_version',
    workingDirectory: where.projectDir || undefined,
    run: python(VERSION_CHECK, 'dist'),
  };
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
