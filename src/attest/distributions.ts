/**
 * What gets signed: every distribution in the packages directory, and nothing else may be there. PyPI accepts
 * wheels (`.whl`) and sdists (`.tar.gz`, `.zip`); any other file would be uploaded unattested or break the upload,
 * so it is an error naming it, never skipped. Hidden files (`dist/.gitignore`, which `uv build` writes) are the one
 * exception: the upload step's `dist/*` never matches them, so they are listed in the log and left alone. A
 * `<file>.publish.attestation` already present means the files were attested before this step (another job's
 * download, a re-run): signing again would leave two, so that is an error too (pypa/gh-action-pypi-publish refuses
 * it the same way). Every name must be a valid distribution file name (PEP 427 for wheels, PEP 625 for sdists, as
 * packaging.utils parses them): the statement's subject is the file name, and a hostile one is refused before it
 * reaches a log line, a summary or a signature.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { failures } from './messages';
import { isFile } from '../kit/files';

export const ATTESTATION_SUFFIX = '.publish.attestation';
const DISTRIBUTION_SUFFIXES = ['.whl', '.tar.gz', '.zip'];

export interface Distribution {
  /** The file name: the statement's subject name, which PyPI compares with the uploaded file's name. */
  readonly name: string;
  readonly path: string;
  readonly attestationPath: string;
}

export interface PackagesDirectory {
  readonly distributions: Distribution[];
  /** Dot files: neither signed nor uploaded (`dist/*` does not match them). */
  readonly hidden: string[];
}

/** `root` is where the files are, `dir` how the user named it (for messages). */
export function findDistributions(root: string, dir: string): PackagesDirectory {
  let names: string[];
  let hidden: string[];
  try {
    if (!statSync(root).isDirectory()) throw new Error('not a directory');
    const all = readdirSync(root).sort();
    hidden = all.filter((n) => n.startsWith('.'));
    names = all.filter((n) => !n.startsWith('.'));
  } catch {
    throw failures.noPackagesDir(dir);
  }
  // Names are checked before they are listed anywhere: a hostile one never reaches the log unchecked (the messages
  // print them through the kit's printer, which keeps them text).
  const attested = names.filter((n) => n.endsWith(ATTESTATION_SUFFIX));
  if (attested.length > 0) throw failures.alreadyAttested(dir, attested);
  const others = names.filter((n) => !DISTRIBUTION_SUFFIXES.some((s) => n.endsWith(s)));
  if (others.length > 0) throw failures.notDistributions(dir, others);
  const bad = names.map((n) => ({ n, why: distributionNameProblem(n) })).filter((x) => x.why !== undefined);
  if (bad.length > 0) throw failures.badNames(dir, bad.map((x) => `${JSON.stringify(x.n)}: ${x.why}`));
  // download-artifact can create `dist/foo.whl/foo.whl` when an artifact is named like a file
  const notFiles = names.filter((n) => !isFile(join(root, n)));
  if (notFiles.length > 0) throw failures.notFiles(dir, notFiles);
  if (names.length === 0) throw failures.emptyPackagesDir(dir);
  const distributions = names.map((name) => ({ name, path: join(root, name), attestationPath: join(root, `${name}${ATTESTATION_SUFFIX}`) }));
  return { distributions, hidden };
}

// packaging's VERSION_PATTERN (PEP 440), case-insensitive, without the surrounding whitespace it tolerates
const PEP440 = new RegExp('^v?(?:(?:[0-9]+!)?[0-9]+(?:\\.[0-9]+)*' +
  '(?:[-_.]?(?:alpha|a|beta|b|preview|pre|c|rc)[-_.]?[0-9]*)?' +
  '(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?' +
  '(?:[-_.]?dev[-_.]?[0-9]*)?)' +
  '(?:\\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$', 'i');
/** PEP 427's escaped project name (ASCII only: what build backends write and PyPI serves). */
const WHEEL_PROJECT = /^[A-Za-z0-9](?:[A-Za-z0-9._]*[A-Za-z0-9])?$/;
/** PEP 625: the name normalised as in the wheel spec (`re.sub(r"[-_.]+", "_", name).lower()`). */
const SDIST_PROJECT = /^[a-z0-9]+(?:_[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*$/;

/** Why a file name is not a valid wheel or sdist name (packaging.utils' rules, stricter where PyPI is), or undefined. */
export function distributionNameProblem(fileName: string): string | undefined {
  const why = failures.nameWhy;
  if (fileName.endsWith('.whl')) {
    const parts = fileName.slice(0, -'.whl'.length).split('-');
    if (parts.length !== 5 && parts.length !== 6) return why.wheelParts;
    const [project, version] = parts;
    if (!WHEEL_PROJECT.test(project) || project.includes('__')) return why.project;
    if (!PEP440.test(version)) return why.version;
    if (parts.length === 6 && !/^[0-9][A-Za-z0-9_.]*$/.test(parts[2])) return why.build;
    if (!parts.slice(-3).every((t) => TAG.test(t))) return why.tags;
    return undefined;
  }
  const ext = ['.tar.gz', '.zip'].find((e) => fileName.endsWith(e));
  if (!ext) return why.sdistName;
  const stem = fileName.slice(0, -ext.length);
  const dash = stem.lastIndexOf('-');
  if (dash <= 0 || !SDIST_PROJECT.test(stem.slice(0, dash))) return why.sdistName;
  if (!PEP440.test(stem.slice(dash + 1))) return why.version;
  return undefined;
}

/** Streamed: wheels can be hundreds of megabytes. */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path).on('error', reject).on('data', (b) => hash.update(b)).on('end', () => resolve(hash.digest('hex')));
  });
}
