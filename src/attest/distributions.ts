/**
 * What gets signed: every distribution in the packages directory, and nothing else may be there. PyPI accepts
 * wheels (`.whl`) and sdists (`.tar.gz`, `.zip`); any other file would be uploaded unattested or break the upload,
 * so it is an error naming it, never skipped. Hidden files (`dist/.gitignore`, which `uv build` writes) are the one
 * exception: the upload step's `dist/*` never matches them, so they are listed in the log and left alone. A `<file>.publish.attestation` already present means the files were
 * attested before this step (another job's download, a re-run): signing again would leave two, so that is an error
 * too (pypa/gh-action-pypi-publish refuses it the same way).
 */
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setupFailure } from './failure';

export const ATTESTATION_SUFFIX = '.publish.attestation';
const DISTRIBUTION_SUFFIXES = ['.whl', '.tar.gz', '.zip'];

export interface Distribution {
  /** The file name: the statement's subject name, which PyPI compares with the uploaded file's name. */
  readonly name: string;
  readonly path: string;
  readonly attestationPath: string;
}

const listed = (names: string[]) => names.map((n) => `'${n}'`).join(', ');

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
    throw setupFailure('No distributions to attest',
      `The packages directory '${dir}' does not exist or is not a directory: download the built distributions ` +
      'into it before the attest step.');
  }
  const attested = names.filter((n) => n.endsWith(ATTESTATION_SUFFIX));
  if (attested.length > 0) {
    throw setupFailure('Distributions already attested',
      `${dir} already holds publish attestations (${listed(attested)}). This step signs the files this job ` +
      'downloaded, once: remove attestations from the build artifact, and give each publish job its own download.');
  }
  const others = names.filter((n) => !DISTRIBUTION_SUFFIXES.some((s) => n.endsWith(s)));
  if (others.length > 0) {
    throw setupFailure('Not a distribution',
      `${dir} holds files that are not distributions (${listed(others)}). Only wheels (.whl) and sdists ` +
      '(.tar.gz, .zip) are attested and uploaded; leave everything else out of the packages directory.');
  }
  const notFiles = names.filter((n) => !isFile(join(root, n)));
  if (notFiles.length > 0) {
    // download-artifact can create `dist/foo.whl/foo.whl` when an artifact is named like a file
    throw setupFailure('Not a distribution',
      `${listed(notFiles)} in ${dir} ${notFiles.length === 1 ? 'is' : 'are'} not a regular file (a directory left by ` +
      'an artifact download?). Download the distributions themselves into the packages directory.');
  }
  if (names.length === 0) {
    throw setupFailure('No distributions to attest',
      `The packages directory '${dir}' is empty: download the built distributions into it before the attest step.`);
  }
  const distributions = names.map((name) => ({ name, path: join(root, name), attestationPath: join(root, `${name}${ATTESTATION_SUFFIX}`) }));
  return { distributions, hidden };
}

/** Follows symbolic links; a dangling one is not a file. */
function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Streamed: wheels can be hundreds of megabytes. */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path).on('error', reject).on('data', (b) => hash.update(b)).on('end', () => resolve(hash.digest('hex')));
  });
}
