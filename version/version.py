#!/usr/bin/env python3
"""The build job's version steps, run by the runner's python3 with the standard library only.

  version.py stamp --with uv|poetry|hatch|pyproject
      Takes the version from the release tag (the runner's GITHUB_REF_NAME, or CI_COMMIT_TAG in a GitLab job; never
      an expression in the workflow or a variable interpolated into the job's script),
      refuses a tag that is not a PEP 440 version before running anything, normalises it as PyPI does, and writes
      it into the project in the working directory: `uv version`, `poetry version`, `hatch version`, or an edit of
      [project].version (or [tool.poetry].version) in pyproject.toml. Sets the step output `version`.

  version.py check DIST
      Every wheel and sdist in DIST has the version the tag names (PEP 440, normalised). Not on a tag: a notice.

Failures and notices are workflow commands (`::error title=...::...`) on GitHub; in a GitLab job (GITLAB_CI=true),
where those would show as text, they are plain lines: `ERROR: <title>`, then the message (naming the file it is about).

Versions follow PEP 440 as the `packaging` library reads them: the pattern is packaging's VERSION_PATTERN,
normalisation is str(packaging.version.Version(...)) and equality is Version equality (1.2 == 1.2.0).
"""
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from email.parser import HeaderParser

# ---------------------------------------------------------------------------------------------------------------
# Messages to the user, in one place. Each says what happened and what to do.

TITLE_NOT_A_TAG = "Not a release tag"
TITLE_BAD_TAG = "Tag is not a version"
TITLE_STAMP = "Cannot stamp the version"
TITLE_MISMATCH = "Version does not match the tag"
TITLE_NO_DISTS = "No distributions"
TITLE_NO_METADATA = "No metadata"


def msg_not_a_tag(event, ref_type, ref):
    return (f"This {event} run is on {ref_type or 'a ref'} {ref}, not a tag. The version comes from the release tag "
            "(versionFromTag), so there is nothing to build here: push a version tag (git tag v1.2.3 && git push "
            "origin v1.2.3), or run the workflow from a tag.")


def msg_bad_characters(tag):
    return (f"The tag {tag} has characters no version tag has (only letters, digits and . _ - + ! / are allowed), "
            "so nothing was run with it. Tag the release with a PEP 440 version such as v1.2.3.")


def msg_not_pep440(tag):
    return (f"The tag {tag} names no PEP 440 version (such as v1.2.3, 1.2.3rc1, 2!1.0.post1.dev2), so nothing "
            "was stamped or built. Tag the release with a version PyPI accepts.")


def msg_not_public(tag, version):
    return (f"The tag {tag} names {version}, a local version (+...), which PyPI refuses: "
            "tag the release with a public version such as v1.2.3.")


def msg_no_pyproject(path):
    return f"There is no {path} to stamp the version into."


def msg_dynamic(path):
    return (f"{path} declares the version dynamic ([project].dynamic lists \"version\"), so there is no "
            "[project].version to set: keep a static version (version = \"0.0.0\") or let the build backend's "
            "own version source take it.")


def msg_no_version_line(path, table):
    return (f"{path} has no `version = \"...\"` line in its [{table}] table to replace (a version written another "
            "way, e.g. as a dotted key or inline table, is not edited): write it as version = \"0.0.0\".")


def msg_no_version_field(path):
    return (f"{path} has no [project].version and no [tool.poetry].version to set: add version = \"0.0.0\" to "
            "its [project] table.")


def msg_not_toml(path, error):
    return f"{path} is not valid TOML ({error}); nothing was written."


def msg_edit_changed_more(path):
    return f"Editing the version in {path} would change more than the version; nothing was written."


def msg_tool_failed(command, code):
    return f"`{' '.join(command)}` exited {code}: see its output above. Nothing was built."


def msg_mismatch(path, version, tag, wanted):
    return (f"{path} has version {version}, but the tag {tag} says {wanted} (PEP 440, normalised). "
            "Nothing was uploaded: fix the version or tag the right commit.")


def msg_no_dists(dist):
    return f"{dist} holds no wheel or sdist to check"


def msg_no_metadata(path):
    return f"{path} has no METADATA / PKG-INFO, so its version cannot be checked"


def msg_no_tag(event, ref_type, ref, version):
    return (f"This {event} run is on {ref_type or 'a ref'} {ref}, not a tag: there is no tag to compare version "
            f"{version} with. Publishing what was built.")


def msg_tag_not_version(tag):
    return f"The tag {tag} names no PEP 440 version, so the distributions' version cannot be checked against it"


# ---------------------------------------------------------------------------------------------------------------
# PEP 440, as packaging reads it

VERSION_PATTERN = r"""
    v?
    (?:
        (?:(?P<epoch>[0-9]+)!)?
        (?P<release>[0-9]+(?:\.[0-9]+)*)
        (?P<pre>
            [-_\.]?
            (?P<pre_l>alpha|a|beta|b|preview|pre|c|rc)
            [-_\.]?
            (?P<pre_n>[0-9]+)?
        )?
        (?P<post>
            (?:-(?P<post_n1>[0-9]+))
            |
            (?:
                [-_\.]?
                (?P<post_l>post|rev|r)
                [-_\.]?
                (?P<post_n2>[0-9]+)?
            )
        )?
        (?P<dev>
            [-_\.]?
            (?P<dev_l>dev)
            [-_\.]?
            (?P<dev_n>[0-9]+)?
        )?
    )
    (?:\+(?P<local>[a-z0-9]+(?:[-_\.][a-z0-9]+)*))?
"""
VERSION = re.compile(r"^\s*" + VERSION_PATTERN + r"\s*$", re.VERBOSE | re.IGNORECASE)
PRE = {"alpha": "a", "beta": "b", "c": "rc", "pre": "rc", "preview": "rc"}


class Version:
    """A parsed PEP 440 version: `str()` is the normal form, `==` is PEP 440 equality."""

    def __init__(self, text):
        m = VERSION.fullmatch(text)
        if not m:
            raise ValueError(text)
        self.epoch = int(m["epoch"] or 0)
        self.release = tuple(int(p) for p in m["release"].split("."))
        self.pre = (PRE.get(m["pre_l"].lower(), m["pre_l"].lower()), int(m["pre_n"] or 0)) if m["pre_l"] else None
        self.post = int(m["post_n1"] or m["post_n2"] or 0) if (m["post_n1"] or m["post_l"]) else None
        self.dev = int(m["dev_n"] or 0) if m["dev_l"] else None
        self.local = (tuple(int(p) if p.isdigit() else p for p in re.split(r"[-_.]", m["local"].lower()))
                      if m["local"] else None)

    def __str__(self):
        text = f"{self.epoch}!" if self.epoch else ""
        text += ".".join(str(p) for p in self.release)
        if self.pre:
            text += f"{self.pre[0]}{self.pre[1]}"
        if self.post is not None:
            text += f".post{self.post}"
        if self.dev is not None:
            text += f".dev{self.dev}"
        if self.local:
            text += "+" + ".".join(str(p) for p in self.local)
        return text

    def _key(self):
        release = list(self.release)
        while len(release) > 1 and release[-1] == 0:
            release.pop()
        return (self.epoch, tuple(release), self.pre, self.post, self.dev, self.local)

    def __eq__(self, other):
        return isinstance(other, Version) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())


def parse(text):
    """The Version, or None when text is not PEP 440."""
    try:
        return Version(text)
    except ValueError:
        return None


# a git ref may hold $ ( ) ' " ` ; and more: a version tag holds none of them
TAG_CHARACTERS = re.compile(r"[A-Za-z0-9._+!/-]+")


# what may come before the version in a tag: nothing, or a name ending in - _ / (pkg-v1.2.3, pkg/1.2.3)
TAG_PREFIX = re.compile(r"(?:[A-Za-z0-9][A-Za-z0-9._/-]*[-_/])?")


def tag_version(tag):
    """The version a tag names: the whole tag (v1.2.3, 1.2.3), or its tail after a prefix (pkg-v1.2.3, pkg/1.2.3)."""
    if not TAG_CHARACTERS.fullmatch(tag):
        return None
    for i, c in enumerate(tag):
        if (c.isdigit() or c in "vV") and TAG_PREFIX.fullmatch(tag[:i]):
            version = parse(tag[i:])
            if version is not None:
                return version
    return None


# ---------------------------------------------------------------------------------------------------------------
# The runner's protocol

def escape_data(text):
    return str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text):
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def shown(text):
    """A value from outside (a tag), quoted and with anything unprintable spelled out, for a log line."""
    return ascii(str(text))


class Failure(Exception):
    def __init__(self, title, message, file=None):
        super().__init__(message)
        self.title, self.message, self.file = title, message, file


def in_gitlab():
    """A GitLab job (GitLab sets GITLAB_CI; a GitHub runner that happens to carry it is still GitHub)."""
    return os.environ.get("GITLAB_CI") == "true" and os.environ.get("GITHUB_ACTIONS") != "true"


def annotate(kind, title, message, file=None):
    if in_gitlab():
        # GitLab's log shows workflow commands as text: plain lines, as the shipped steps print there (the file
        # first, unless the message names it already)
        where = f"{file}: " if file and file not in message else ""
        print(f"{kind.upper()}: {title}\n{where}{message}", flush=True)
        return
    where = f"file={escape_property(file)}," if file else ""
    print(f"::{kind} {where}title={escape_property(title)}::{escape_data(message)}", flush=True)


def set_output(name, value):
    path = os.environ.get("GITHUB_OUTPUT")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(f"{name}={value}\n")


def ref():
    env = os.environ
    if in_gitlab():
        # a GitLab job: CI_COMMIT_TAG is set only in pipelines for a tag
        tag = env.get("CI_COMMIT_TAG", "")
        return env.get("CI_PIPELINE_SOURCE", "this"), "tag" if tag else "branch", tag or env.get("CI_COMMIT_REF_NAME", "")
    return env.get("GITHUB_EVENT_NAME", "this"), env.get("GITHUB_REF_TYPE", ""), env.get("GITHUB_REF_NAME", "")


# ---------------------------------------------------------------------------------------------------------------
# stamp

def version_from_tag():
    """The normalised version of the run's tag; a Failure for anything that is not a PEP 440 version tag."""
    event, ref_type, name = ref()
    if ref_type != "tag":
        raise Failure(TITLE_NOT_A_TAG, msg_not_a_tag(event, ref_type, shown(name)))
    if not TAG_CHARACTERS.fullmatch(name):
        raise Failure(TITLE_BAD_TAG, msg_bad_characters(shown(name)))
    version = tag_version(name)
    if version is None:
        raise Failure(TITLE_BAD_TAG, msg_not_pep440(shown(name)))
    if version.local is not None:
        raise Failure(TITLE_BAD_TAG, msg_not_public(shown(name), version))
    return str(version)


TABLE_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
VERSION_LINE = re.compile(r"""^(\s*version\s*=\s*)("[^"\\\n]*"|'[^'\n]*')(\s*(?:#.*)?)$""")


def table_version_span(lines, table):
    """Index of the `version = "..."` line directly in [table], or None; and whether the table exists."""
    current, found_table = None, False
    for i, line in enumerate(lines):
        header = TABLE_HEADER.match(line.rstrip("\r\n"))
        if header:
            current = header.group(1).replace(" ", "").replace('"', "")
            found_table = found_table or current == table
            continue
        if current == table and VERSION_LINE.match(line.rstrip("\r\n")):
            return i, True
    return None, found_table


def set_pyproject_version(path, version):
    """Writes version into [project].version (or [tool.poetry].version) of path, changing nothing else."""
    if not os.path.isfile(path):
        raise Failure(TITLE_STAMP, msg_no_pyproject(path), path)
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")
    before = load_toml(text)
    project = (before or {}).get("project", {})
    if "version" in project.get("dynamic", []):
        raise Failure(TITLE_STAMP, msg_dynamic(path), path)
    lines = text.splitlines(keepends=True)
    index, has_project = table_version_span(lines, "project")
    table = "project"
    if index is None and not has_project:
        index, has_poetry = table_version_span(lines, "tool.poetry")
        table = "tool.poetry"
        if index is None and not has_poetry:
            raise Failure(TITLE_STAMP, msg_no_version_field(path), path)
    if index is None:
        raise Failure(TITLE_STAMP, msg_no_version_line(path, table), path)
    line = lines[index]
    ending = line[len(line.rstrip("\r\n")):]
    m = VERSION_LINE.match(line.rstrip("\r\n"))
    lines[index] = f'{m.group(1)}"{version}"{m.group(3)}{ending}'
    edited = "".join(lines)
    if before is not None:
        after = load_toml(edited)
        expected = dict(before)
        keys = table.split(".")
        expected = set_in(expected, keys + ["version"], version)
        if after != expected:
            raise Failure(TITLE_STAMP, msg_edit_changed_more(path), path)
    with open(path, "wb") as f:
        f.write(edited.encode("utf-8"))
    return table


def set_in(data, keys, value):
    """A copy of nested dicts data with data[k0][k1]...[kn] = value."""
    copy = dict(data)
    if len(keys) == 1:
        copy[keys[0]] = value
    else:
        copy[keys[0]] = set_in(copy.get(keys[0], {}), keys[1:], value)
    return copy


def load_toml(text):
    """The parsed document where the standard library can (Python >= 3.11), else None (the edit goes unverified)."""
    try:
        import tomllib
    except ImportError:
        return None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise Failure(TITLE_STAMP, msg_not_toml("pyproject.toml", error), "pyproject.toml")


TOOL_COMMANDS = {
    "uv": ["uv", "version", "--frozen", "--"],
    "poetry": ["poetry", "version", "--no-interaction", "--"],
    "hatch": ["hatch", "version"],
}


def stamp(tool):
    version = version_from_tag()
    _, _, tag = ref()
    if tool == "pyproject":
        table = set_pyproject_version("pyproject.toml", version)
        how = f"[{table}].version in pyproject.toml"
    else:
        # an argument list, no shell: the version is a normalised PEP 440 string in any case
        command = TOOL_COMMANDS[tool] + [version]
        print(f"$ {' '.join(command)}", flush=True)
        code = subprocess.call(command)
        if code != 0:
            raise Failure(TITLE_STAMP, msg_tool_failed(command, code))
        how = f"{tool} version"
    set_output("version", version)
    print(f"Version {version} from the tag {tag}, written with {how}")


# ---------------------------------------------------------------------------------------------------------------
# check

def metadata_version(path):
    """The Version field of a wheel's METADATA or an sdist's PKG-INFO; None for a file that is neither."""
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
        raise Failure(TITLE_NO_METADATA, msg_no_metadata(path), path)
    return HeaderParser().parsestr(text).get("Version")


def check(dist):
    files = sorted(os.path.join(dist, f) for f in os.listdir(dist) if not f.startswith("."))
    found = [(f, metadata_version(f)) for f in files]
    found = [(f, v) for f, v in found if v is not None]
    if not found:
        raise Failure(TITLE_NO_DISTS, msg_no_dists(dist), dist)
    event, ref_type, tag = ref()
    if ref_type != "tag":
        annotate("notice", "No release tag", msg_no_tag(event, ref_type, shown(tag), found[0][1]))
        return
    wanted = tag_version(tag)
    if wanted is None:
        raise Failure(TITLE_BAD_TAG, msg_tag_not_version(shown(tag)), found[0][0])
    for path, version in found:
        if parse(version) != wanted:
            raise Failure(TITLE_MISMATCH, msg_mismatch(path, version, tag, wanted), path)
        print(f"{path}: version {version} matches the tag {tag}")


USAGE = "usage: version.py stamp --with uv|poetry|hatch|pyproject | version.py check DIST"


def main(argv):
    try:
        if len(argv) == 3 and argv[0] == "stamp" and argv[1] == "--with" and argv[2] in (*TOOL_COMMANDS, "pyproject"):
            stamp(argv[2])
        elif len(argv) == 2 and argv[0] == "check":
            check(argv[1])
        else:
            print(USAGE, file=sys.stderr)
            return 2
    except Failure as failure:
        annotate("error", failure.title, failure.message, failure.file)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
