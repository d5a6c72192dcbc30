#!/usr/bin/env python3
"""Before the upload: what PyPI's upload would refuse and can be known from the files alone.

Run by the build job right after the build, and on pull requests, on every file in the distributions directory
(argument 1, default dist). The checks and their words are warehouse's (forklift/legacy.py, forklift/metadata.py,
utils/wheel.py), in warehouse's order, so a change that would burn a version at release time is red before the tag:

- only wheels and sdists (`.whl`, `.tar.gz`; a `.zip` sdist fails PEP 625);
- the archive itself: not both a zip and a tar (polyglots), readable, stored or deflated members only, no sparse tar
  members, one top-level directory with PKG-INFO in an sdist, WHEEL in a wheel's .dist-info;
- Metadata-Version 1.0 to 2.5; Name and Version present;
- PEP 625 sdist names ({normalized_name}-{version}.tar.gz) and normalised wheel names;
- RECORD present; entry_points.txt an INI file with `=` whose console/gui script names are [\\w.-]+; METADATA present;
- License-Expression only with Metadata-Version >= 2.4, and every License-File present in the archive.

README rendering is `twine check`, which the job runs next. Standard library only. Output: one line per file, and an
::error:: per problem (file, PyPI's words); exit 1 when any file would be refused.
"""

import configparser
import email.parser
import os
import re
import sys
import tarfile
import zipfile

SUPPORTED_METADATA_VERSIONS = {"1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"}
ARCHIVES_HELP = "See https://docs.pypi.org/archives for more information"
ENTRY_POINT_NAME = re.compile(r"[\w.-]+")
# packaging's VERSION_PATTERN, as a check of the version part of a wheel's name
PEP440 = re.compile(
    r"^v?(?:(?:[0-9]+)!)?[0-9]+(?:\.[0-9]+)*(?:[-_.]?(?:alpha|a|beta|b|preview|pre|c|rc)[-_.]?[0-9]*)?"
    r"(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?(?:[-_.]?dev[-_.]?[0-9]*)?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$",
    re.IGNORECASE,
)

MESSAGES = {
    "not_a_distribution": "{file} is neither a wheel nor an sdist: uploaders send it and PyPI refuses it with "
                          "'Invalid file extension: Use .tar.gz, .whl or .zip extension.'",
    "ok": "{file}: PyPI's upload rules pass",
    "none": "{dist} holds no wheel or sdist to check",
    "title": "PyPI would refuse this file",
}


def escape(text):
    return str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def commonpath(names):
    return os.path.commonpath(names) if names else ""


def is_tarfile(path):
    try:
        return tarfile.is_tarfile(path)
    except Exception:
        return False


def valid_dist_file(path, filename):
    """warehouse `_is_valid_dist_file`: None, or the reason (None's text is warehouse's own for unreadable gzip)."""
    is_zip = zipfile.is_zipfile(path)
    is_tar = is_tarfile(path)
    if is_zip and is_tar:
        return "File is both a zip and a tar file"
    if filename.endswith((".zip", ".whl")):
        if not is_zip:
            return "File is not a zipfile"
        try:
            with zipfile.ZipFile(path) as zfp:
                for info in zfp.infolist():
                    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                        return "File does not use a supported compression type"
                if filename.endswith(".zip"):
                    top = commonpath(zfp.namelist())
                    if top in (".", "/", ""):
                        return "Incorrect number of top-level directories in sdist"
                    try:
                        zfp.read(os.path.join(top, "PKG-INFO"))
                    except KeyError:
                        return f"PKG-INFO not found at {os.path.join(top, 'PKG-INFO')}"
                else:
                    parts = filename.split("-", 2)
                    if len(parts) < 3:
                        return "Unable to parse name and version from wheel filename"
                    target = f"{parts[0]}-{parts[1]}.dist-info/WHEEL"
                    try:
                        zfp.read(target)
                    except KeyError:
                        return f"WHEEL not found at {target}"
        except zipfile.BadZipFile:
            return "None"
        return None
    if not is_tar:
        return "File is not a tarfile"
    try:
        with tarfile.open(path, "r:gz") as tar:
            top = commonpath(tar.getnames())
            if any(member.issparse() for member in tar.getmembers()):
                return f"tar archive not accepted: Sparse members are not allowed. {ARCHIVES_HELP}"
            if top in (".", "/", ""):
                return "Incorrect number of top-level directories in sdist"
            try:
                tar.getmember(os.path.join(top, "PKG-INFO"))
            except KeyError:
                return f"PKG-INFO not found at {os.path.join(top, 'PKG-INFO')}"
    except (tarfile.ReadError, EOFError, OSError):
        return "None"
    return None


def read_metadata(path, filename):
    """The core metadata headers (wheel METADATA or sdist PKG-INFO), or None."""
    try:
        if filename.endswith(".whl"):
            name, version, _ = filename.split("-", 2)
            with zipfile.ZipFile(path) as zfp:
                text = zfp.read(f"{name}-{version}.dist-info/METADATA").decode("utf-8")
        elif filename.endswith(".zip"):
            with zipfile.ZipFile(path) as zfp:
                text = zfp.read(os.path.join(commonpath(zfp.namelist()), "PKG-INFO")).decode("utf-8")
        else:
            with tarfile.open(path, "r:gz") as tar:
                top = commonpath(tar.getnames())
                text = tar.extractfile(os.path.join(top, "PKG-INFO")).read().decode("utf-8")
    except Exception:
        return None
    return email.parser.HeaderParser().parsestr(text)


def metadata_problems(meta):
    """forklift/metadata.py: the fields PyPI refuses before looking at the file name."""
    help_ = "See https://packaging.python.org/specifications/core-metadata for more information."
    mv = (meta.get("Metadata-Version") or "").strip()
    if not mv:
        return f"'' is an invalid value for Metadata-Version. Error: This field is required. {help_}"
    if mv not in SUPPORTED_METADATA_VERSIONS:
        return f"'{mv}' is an invalid value for Metadata-Version. Error: Unknown Metadata Version {help_}"
    if not (meta.get("Name") or "").strip():
        return f"'' is an invalid value for Name. Error: This field is required. {help_}"
    if not (meta.get("Version") or "").strip():
        return f"'' is an invalid value for Version. Error: This field is required. {help_}"
    if meta.get("License-Expression") is not None and mv not in ("2.4", "2.5"):
        return f"'license-expression' is only valid for Metadata-Version 2.4 and later (this file has {mv}). {help_}"
    return None


def entry_points_invalid(data):
    """utils/wheel.py `_validate_entrypoints`: True when PyPI refuses the entry_points.txt."""
    try:
        text = data.decode()
    except UnicodeError:
        return True

    class CaseSensitive(configparser.ConfigParser):
        optionxform = staticmethod(str)

    parser = CaseSensitive(delimiters=("=",))
    try:
        parser.read_string(text)
    except configparser.Error:
        return True
    for section in ("console_scripts", "gui_scripts"):
        if section in parser:
            for name in parser[section]:
                if ENTRY_POINT_NAME.fullmatch(name) is None:
                    return True
    return False


def check(path):
    """PyPI's refusal of one file, in warehouse's words and order, or None."""
    filename = os.path.basename(path)
    if not filename.endswith((".whl", ".tar.gz", ".zip")):
        return MESSAGES["not_a_distribution"].format(file=filename)
    meta = read_metadata(path, filename) if valid_dist_file(path, filename) is None else None
    if meta is not None:
        problem = metadata_problems(meta)
        if problem:
            return problem
    invalid = valid_dist_file(path, filename)
    if invalid is not None:
        return f"Invalid distribution file. {invalid}"
    if meta is None:
        kind = "METADATA" if filename.endswith(".whl") else "PKG-INFO"
        return f"{filename}: its {kind} cannot be read, so PyPI's form fields (name, version) cannot be filled"
    name, version = meta["Name"].strip(), meta["Version"].strip()
    normalized = normalize(name).replace("-", "_")
    if not filename.endswith(".whl"):
        expected = f"{normalized}-{version}.tar.gz"
        if filename != expected:
            return f"Filename '{filename}' is invalid, should be '{expected}'."
    else:
        stem = filename[: -len(".whl")]
        dashes = stem.count("-")
        if dashes not in (4, 5):
            return f"Invalid wheel filename (wrong number of parts): '{filename}'"
        file_name, file_version = stem.split("-")[:2]
        if "__" in file_name or not re.fullmatch(r"[\w.]*", file_name):
            return f"Invalid wheel filename (invalid project name): '{filename}'"
        if not PEP440.match(file_version):
            return f"Invalid wheel filename (invalid version): '{filename}'"
        if file_name != normalized:
            return f"Filename '{filename}' should contain the normalized project name '{normalized}', not '{file_name}'."
        dist_info = f"{file_name}-{file_version}.dist-info"
        with zipfile.ZipFile(path) as zfp:
            names = set(zfp.namelist())
            if f"{dist_info}/RECORD" not in names:
                return f"Wheel '{filename}' does not contain the required RECORD file: {dist_info}/RECORD"
            for license_file in meta.get_all("License-File") or []:
                if f"{dist_info}/licenses/{license_file}" not in names:
                    return f"License-File {license_file} does not exist in distribution file {filename} at {dist_info}/licenses/{license_file}"
            if f"{dist_info}/entry_points.txt" in names and entry_points_invalid(zfp.read(f"{dist_info}/entry_points.txt")):
                return f"Wheel '{filename}' has invalid entry points defined in the entry_points.txt file"
        return None
    with tarfile.open(path, "r:gz") as tar:
        top = commonpath(tar.getnames())
        for license_file in meta.get_all("License-File") or []:
            try:
                tar.getmember(os.path.join(top, license_file))
            except KeyError:
                return f"License-File {license_file} does not exist in distribution file {filename} at {os.path.join(top, license_file)}"
    return None


def main(argv):
    dist = argv[1] if len(argv) > 1 else "dist"
    files = sorted(f for f in os.listdir(dist) if not f.startswith(".") and not f.endswith(".publish.attestation")
                   and os.path.isfile(os.path.join(dist, f)))
    if not files:
        print(f"::error title={MESSAGES['title']}::{escape(MESSAGES['none'].format(dist=dist))}")
        return 1
    failed = False
    for name in files:
        path = os.path.join(dist, name)
        problem = check(path)
        if problem:
            failed = True
            print(f"::error file={escape(path)},title={MESSAGES['title']}::{escape(problem)}")
        else:
            print(MESSAGES["ok"].format(file=name))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
