#!/usr/bin/env python3
"""After a publish job: is the release installable, and does its provenance verify?

Run by the job that follows each publish job (no token, `contents: read`). It

1. waits until the index's simple API (PEP 691 JSON) lists every built file with the built sha256, polling with a
   bounded backoff, and fails naming each missing file when the bound runs out (a file served with another sha256
   fails at once);
2. with attestations, fetches each file's PEP 740 provenance from the Integrity API (the URL the simple API gives)
   and verifies it with pypi-attestations for the expected trusted publisher: repository, workflow file,
   environment (the certificate's identity is checked by pypi-attestations' GitHub policy, the environment against
   the provenance's publisher, as PyPI records it);
3. writes the step summary: file, size, sha256, "installable", "provenance verified for ...", and the links.

Configuration, all through the environment (the workflow's `env:`):

  DIST_DIR                 the distributions (default: dist)
  PROJECT                  the project name on the index
  SIMPLE_URL               the index's simple API, e.g. https://pypi.org/simple/
  PROJECT_URL              the project's page, for the summary
  INDEX_NAME               "PyPI", "TestPyPI", ...: for messages
  ATTESTATIONS             "true": verify provenance; anything else: say it is off and check the files only
  PUBLISHER_REPOSITORY     owner/repo the provenance must name
  PUBLISHER_WORKFLOW       workflow file name, e.g. release.yml
  PUBLISHER_ENVIRONMENT    the publish job's environment ("" for none)
  SIGSTORE_URL             Sigstore's Fulcio URL: the public instance, or a loopback stand-in that serves its own
                           trusted root at <url>/trusted_root.json (a rehearsal); nothing else is accepted
  WAIT_SECONDS             how long to wait for the index (default 600)

Standard library only, except pypi-attestations (imported only to verify provenance). Exit 0 when every file is
installable (and, with attestations, verified); 1 with an ::error:: naming the file and the reason otherwise; 2 for
a configuration problem.
"""

import hashlib
import ipaddress
import json
import os
import pathlib
import re
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

PUBLIC_SIGSTORE = "https://fulcio.sigstore.dev"
SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
INTEGRITY_JSON = "application/vnd.pypi.integrity.v1+json"
TUF_URL = "https://tuf-repo-cdn.sigstore.dev"
FIRST_DELAY_SECONDS = 2
MAX_DELAY_SECONDS = 30
DIST_SUFFIXES = (".whl", ".tar.gz", ".zip")

MESSAGES = {
    "config": "The verify step is misconfigured: {detail}",
    "no_files": "{dist} holds no wheel or sdist: nothing was published to check",
    "waiting": "Waiting for {index} to serve {missing} (attempt {attempt}, next look in {delay} s)",
    "missing": "{index} does not serve {file} after {seconds} s (polled {attempts} times): the upload succeeded but the "
               "release is not installable yet. Look at {project_url}; if the file never appears, the upload did not "
               "land where this workflow expects.",
    "other_sha": "{index} serves {file} with sha256 {served}, but the file this run built has sha256 {built}: what is "
                 "installable is not what this run published",
    "no_provenance": "{index} has no provenance for {file}: it was uploaded without attestations",
    "provenance_http": "fetching the provenance of {file} failed: HTTP {status}",
    "wrong_publisher": "the provenance of {file} is for {found}, not {expected}: it was not published by this workflow",
    "not_verified": "the provenance of {file} does not verify for {expected}: {reason}",
    "sigstore_url": "SIGSTORE_URL must be {public} or a loopback stand-in (http://127.0.0.1:<port>); got {url}",
    "attestations_off": "Attestations are off for this index: the files are checked, their provenance is not",
    "installable": "{file}: installable from {index} ({size} bytes, sha256 {sha256})",
    "verified": "{file}: provenance verified for {expected}",
    "verifier_missing": "pypi-attestations is not installed for this Python ({python}); the job installs it from the "
                        "hash-locked set next to this script",
}


def escape(text):
    """A workflow command's data: no newline, no `%` ambiguity."""
    return str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def plain(text):
    """Server or file text for the log: one line, and no workflow command (`::`) can start in it."""
    return str(text).replace("\r", " ").replace("\n", " ").replace("::", ": :")


def cell(text):
    """Text for a Markdown table cell."""
    return plain(text).replace("|", "\\|")


class Failure(Exception):
    """A check that failed: the job fails with this message."""

    def __init__(self, message, file=None):
        super().__init__(message)
        self.file = file


def config():
    env = os.environ
    problems = []

    def need(name):
        value = env.get(name, "").strip()
        if not value:
            problems.append(f"{name} is not set")
        return value

    cfg = {
        "dist": env.get("DIST_DIR", "dist").strip() or "dist",
        "project": need("PROJECT"),
        "simple_url": need("SIMPLE_URL"),
        "project_url": env.get("PROJECT_URL", "").strip(),
        "index": env.get("INDEX_NAME", "").strip() or "the index",
        "attestations": env.get("ATTESTATIONS", "").strip() == "true",
        "repository": env.get("PUBLISHER_REPOSITORY", "").strip(),
        "workflow": env.get("PUBLISHER_WORKFLOW", "").strip(),
        "environment": env.get("PUBLISHER_ENVIRONMENT", "").strip(),
        "sigstore_url": env.get("SIGSTORE_URL", PUBLIC_SIGSTORE).strip() or PUBLIC_SIGSTORE,
    }
    try:
        cfg["wait"] = int(env.get("WAIT_SECONDS", "600"))
        if cfg["wait"] < 0:
            raise ValueError
    except ValueError:
        problems.append(f"WAIT_SECONDS must be a whole number of seconds >= 0, got {env.get('WAIT_SECONDS')!r}")
    if cfg["attestations"]:
        for name in ("repository", "workflow"):
            if not cfg[name]:
                problems.append(f"PUBLISHER_{name.upper()} is not set (needed to verify provenance)")
        if cfg["repository"] and not re.fullmatch(r"[A-Za-z0-9-]+/[A-Za-z0-9._-]+", cfg["repository"]):
            problems.append(f"PUBLISHER_REPOSITORY must be owner/repo, got {cfg['repository']!r}")
    if cfg["simple_url"] and not cfg["simple_url"].endswith("/"):
        cfg["simple_url"] += "/"
    if problems:
        fail_config("; ".join(problems))
    return cfg


def fail_config(detail):
    print(f"::error title=Verify step misconfigured::{escape(MESSAGES['config'].format(detail=detail))}")
    sys.exit(2)


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def built_files(dist):
    try:
        names = sorted(os.listdir(dist))
    except OSError as err:
        raise Failure(MESSAGES["no_files"].format(dist=dist) + f" ({err.strerror})")
    files = []
    for name in names:
        path = os.path.join(dist, name)
        if name.startswith(".") or not os.path.isfile(path) or not name.endswith(DIST_SUFFIXES):
            continue
        with open(path, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        files.append({"name": name, "path": path, "size": os.path.getsize(path), "sha256": digest})
    if not files:
        raise Failure(MESSAGES["no_files"].format(dist=dist))
    return files


def get_json(url, accept):
    """GET `url` asking for `accept`; (status, parsed JSON or None). Redirects are followed (nothing secret is sent)."""
    request = urllib.request.Request(url, headers={"Accept": accept, "User-Agent": "projen-pypi-mint-verify"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as err:
        return err.code, None
    except (urllib.error.URLError, TimeoutError, ConnectionError, ValueError):
        return 0, None


def wait_until_served(cfg, files, sleep=time.sleep, clock=time.monotonic):
    """Poll the simple API until every file is listed with its sha256; the listing of each, by file name."""
    url = urllib.parse.urljoin(cfg["simple_url"], normalize(cfg["project"]) + "/")
    deadline = clock() + cfg["wait"]
    delay = FIRST_DELAY_SECONDS
    attempt = 0
    while True:
        attempt += 1
        status, body = get_json(url, SIMPLE_JSON)
        listed = {}
        if status == 200 and isinstance(body, dict):
            listed = {f.get("filename"): f for f in body.get("files", []) if isinstance(f, dict)}
        missing = []
        for f in files:
            entry = listed.get(f["name"])
            if entry is None:
                missing.append(f["name"])
                continue
            served = (entry.get("hashes") or {}).get("sha256")
            if served != f["sha256"]:
                raise Failure(MESSAGES["other_sha"].format(index=cfg["index"], file=f["name"], served=plain(served), built=f["sha256"]), f["name"])
        if not missing:
            return listed, url
        remaining = deadline - clock()
        if remaining <= 0:
            raise Failure(MESSAGES["missing"].format(index=cfg["index"], file=", ".join(missing), seconds=cfg["wait"],
                                                     attempts=attempt, project_url=cfg["project_url"] or url), missing[0])
        pause = min(delay, remaining)
        print(MESSAGES["waiting"].format(index=cfg["index"], missing=", ".join(missing), attempt=attempt, delay=round(pause, 1)))
        sleep(pause)
        delay = min(delay * 2, MAX_DELAY_SECONDS)


def expected_publisher(cfg):
    env = f", environment {cfg['environment']}" if cfg["environment"] else ", no environment"
    return f"{cfg['repository']}, {cfg['workflow']}{env}"


def use_trusted_root(cfg):
    """sigstore-python trusts Sigstore's public root, or a loopback stand-in's own root (through its offline cache)."""
    url = cfg["sigstore_url"].rstrip("/")
    if url == PUBLIC_SIGSTORE:
        return False
    parsed = urllib.parse.urlsplit(url)
    host = parsed.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if parsed.scheme not in ("http", "https") or not loopback:
        raise Failure(MESSAGES["sigstore_url"].format(public=PUBLIC_SIGSTORE, url=plain(url)))
    with urllib.request.urlopen(f"{url}/trusted_root.json", timeout=30) as response:
        root = response.read()
    cache = tempfile.mkdtemp(prefix="pypi-verify-sigstore-")
    tuf = os.path.join(cache, "sigstore-python", "tuf", urllib.parse.quote(TUF_URL, safe=""))
    os.makedirs(tuf)
    with open(os.path.join(tuf, "trusted_root.json"), "wb") as f:
        f.write(root)
    os.environ["XDG_CACHE_HOME"] = cache
    os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="pypi-verify-sigstore-data-")
    return True


def verify_provenance(cfg, f, entry, offline):
    """The provenance of one file, verified for the expected publisher; raises Failure."""
    expected = expected_publisher(cfg)
    url = entry.get("provenance")
    if not url:
        raise Failure(MESSAGES["no_provenance"].format(index=cfg["index"], file=f["name"]), f["name"])
    status, provenance = get_json(url, INTEGRITY_JSON)
    if status == 404:
        raise Failure(MESSAGES["no_provenance"].format(index=cfg["index"], file=f["name"]), f["name"])
    if status != 200 or not isinstance(provenance, dict):
        raise Failure(MESSAGES["provenance_http"].format(file=f["name"], status=status or "no answer"), f["name"])
    try:
        from pypi_attestations import Attestation, Distribution, GitHubPublisher, Provenance
    except ImportError:
        raise Failure(MESSAGES["verifier_missing"].format(python=sys.executable))
    try:
        parsed = Provenance.model_validate(provenance)
    except Exception as err:  # pydantic's ValidationError: the provenance is not PEP 740's shape
        raise Failure(MESSAGES["not_verified"].format(file=f["name"], expected=expected, reason=plain(str(err).splitlines()[0])), f["name"])
    found = []
    bundle = None
    for candidate in parsed.attestation_bundles:
        p = candidate.publisher
        if getattr(p, "kind", None) != "GitHub":
            found.append(f"a {plain(getattr(p, 'kind', 'unknown'))} publisher")
            continue
        env = (p.environment or "").lower()
        found.append(f"{plain(p.repository)}, {plain(p.workflow)}" + (f", environment {plain(p.environment)}" if p.environment else ", no environment"))
        if (p.repository.lower() == cfg["repository"].lower() and p.workflow == cfg["workflow"]
                and env == cfg["environment"].lower()):
            bundle = candidate
    if bundle is None:
        raise Failure(MESSAGES["wrong_publisher"].format(file=f["name"], found="; ".join(found) or "no publisher", expected=expected), f["name"])
    if not bundle.attestations:
        raise Failure(MESSAGES["not_verified"].format(file=f["name"], expected=expected, reason="the bundle holds no attestation"), f["name"])
    identity = GitHubPublisher(repository=cfg["repository"], workflow=cfg["workflow"], environment=cfg["environment"] or None)
    dist = Distribution.from_file(pathlib.Path(f["path"]))
    for attestation in bundle.attestations:
        if not isinstance(attestation, Attestation):
            raise Failure(MESSAGES["not_verified"].format(file=f["name"], expected=expected, reason="not an attestation"), f["name"])
        try:
            attestation.verify(identity, dist, offline=offline)
        except Exception as err:  # pypi-attestations' VerificationError and sigstore's errors: the reason is shown
            raise Failure(MESSAGES["not_verified"].format(file=f["name"], expected=expected, reason=plain(err)), f["name"])


def summary(cfg, files, listed, simple_url, verified):
    lines = [f"### {cell(cfg['index'])}: {cell(cfg['project'])}", ""]
    if cfg["project_url"]:
        lines += [f"Project: {cfg['project_url']}", ""]
    provenance_column = "provenance" if cfg["attestations"] else "provenance (attestations off)"
    lines += [f"| file | size (bytes) | sha256 | index | {provenance_column} |", "|---|---:|---|---|---|"]
    for f in files:
        entry = listed.get(f["name"], {})
        file_url = urllib.parse.urljoin(simple_url, entry.get("url", "")) if entry.get("url") else ""
        name = f"[{cell(f['name'])}]({file_url})" if file_url.startswith("https://") else cell(f["name"])
        if cfg["attestations"]:
            link = entry.get("provenance") or ""
            text = f"provenance verified for {cell(expected_publisher(cfg))}" if f["name"] in verified else "not verified"
            provenance = f"[{text}]({link})" if link.startswith("https://") else text
        else:
            provenance = "not checked"
        lines.append(f"| {name} | {f['size']} | {f['sha256']} | installable | {provenance} |")
    if not cfg["attestations"]:
        lines += ["", MESSAGES["attestations_off"]]
    return "\n".join(lines) + "\n"


def write_summary(text):
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(text)


def main():
    cfg = config()
    verified = set()
    try:
        files = built_files(cfg["dist"])
        listed, simple_url = wait_until_served(cfg, files)
        for f in files:
            print(MESSAGES["installable"].format(file=f["name"], index=cfg["index"], size=f["size"], sha256=f["sha256"]))
        if cfg["attestations"]:
            offline = use_trusted_root(cfg)
            for f in files:
                verify_provenance(cfg, f, listed[f["name"]], offline)
                verified.add(f["name"])
                print(MESSAGES["verified"].format(file=f["name"], expected=expected_publisher(cfg)))
        else:
            print(f"::notice title=Attestations off::{escape(MESSAGES['attestations_off'])}")
    except Failure as failure:
        where = f" file={escape(os.path.join(cfg['dist'], failure.file))}," if failure.file else " "
        print(f"::error{where}title=Release not verified::{escape(failure)}")
        write_summary(f"### {cell(cfg['index'])}: {cell(cfg['project'])}\n\n**Not verified**: {cell(failure)}\n")
        return 1
    text = summary(cfg, files, listed, simple_url, verified)
    write_summary(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
