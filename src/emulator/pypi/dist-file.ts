/**
 * The distribution file checks of warehouse's upload (forklift/legacy.py `_is_valid_dist_file`, the PEP 625 sdist
 * name, the wheel's file name, RECORD, entry points (utils/wheel.py `validate_entrypoints`) and METADATA), in
 * warehouse's order, with its messages. They run after the duplicate, closed-release and one-sdist checks.
 */
import { constants, inflateRawSync } from 'node:zlib';
import { commonTopLevel, gzipBody, readZipEntry, tarListing, zipEntries } from './archive';
import { normalizeProjectName } from '../names';

/** A refusal's text (all are 400s), or what a good file yields: a wheel's METADATA, served as `<file>.metadata`. */
export type DistVerdict = { problem: string } | { metadata?: Buffer };

const ARCHIVES_HELP = 'See https://docs.pypi.org/archives for more information';

/** `_is_valid_dist_file`: what kind of archive it is and whether its required members are there. */
function validDistFile(filename: string, data: Buffer): string | undefined {
  const zip = zipEntries(data);
  const tar = tarListing(data);
  if (zip && tar) return 'File is both a zip and a tar file';
  if (filename.endsWith('.zip') || filename.endsWith('.whl')) {
    if (!zip) return 'File is not a zipfile';
    if (zip.some((e) => e.method !== 0 && e.method !== 8)) return 'File does not use a supported compression type';
    if (filename.endsWith('.zip')) {
      const top = commonTopLevel(zip.map((e) => e.name));
      if (['.', '/', ''].includes(top)) return 'Incorrect number of top-level directories in sdist';
      if (!zip.some((e) => e.name === `${top}/PKG-INFO`)) return `PKG-INFO not found at ${top}/PKG-INFO`;
    } else {
      const [name, version, rest] = splitWheelName(filename);
      if (rest === undefined) return 'Unable to parse name and version from wheel filename';
      const wheel = `${name}-${version}.dist-info/WHEEL`;
      if (readZipEntry(data, zip, wheel) === undefined) return `WHEEL not found at ${wheel}`;
    }
    return undefined;
  }
  if (!tar) return 'File is not a tarfile';
  // tarfile reads the whole stream (getnames): a gzip stream that does not inflate is (False, None) in warehouse.
  if (data[0] === 0x1f && !inflates(data)) return 'None';
  if (tar.sparse) return `tar archive not accepted: Sparse members are not allowed. ${ARCHIVES_HELP}`;
  const top = commonTopLevel(tar.names);
  if (['.', '/', ''].includes(top)) return 'Incorrect number of top-level directories in sdist';
  if (!tar.names.includes(`${top}/PKG-INFO`)) return `PKG-INFO not found at ${top}/PKG-INFO`;
  return undefined;
}

function inflates(gz: Buffer): boolean {
  const body = gzipBody(gz);
  if (!body) return false;
  try {
    inflateRawSync(body, { finishFlush: constants.Z_FINISH });
    return true;
  } catch {
    return false;
  }
}

/** Python's `filename.split("-", 2)`: name, version and the rest (undefined when there are fewer than three parts). */
function splitWheelName(filename: string): [string, string, string | undefined] {
  const parts = filename.split('-');
  return [parts[0], parts[1] ?? '', parts.length >= 3 ? parts.slice(2).join('-') : undefined];
}

/** PEP 440 (packaging's VERSION_PATTERN), for the file name checks. */
const PEP440 = /^v?(?:(?:[0-9]+)!)?[0-9]+(?:\.[0-9]+)*(?:[-_.]?(?:alpha|a|beta|b|preview|pre|c|rc)[-_.]?[0-9]*)?(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?(?:[-_.]?dev[-_.]?[0-9]*)?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$/i;

/** A light PEP 440 normal form (case, a leading v, release zeros are kept): enough to compare a file name with the form. */
function sameVersion(a: string, b: string): boolean {
  const norm = (v: string) => v.toLowerCase().replace(/^v/, '').replace(/_/g, '-');
  return norm(a) === norm(b);
}

/** `packaging.utils.parse_wheel_filename`'s refusals, in its words. */
function wheelNameProblem(filename: string): string | undefined {
  const stem = filename.slice(0, -'.whl'.length);
  const dashes = stem.split('-').length - 1;
  if (dashes !== 4 && dashes !== 5) return `Invalid wheel filename (wrong number of parts): '${filename}'`;
  const [name, version] = stem.split('-');
  if (name.includes('__') || !/^[\p{L}\p{N}_.]*$/u.test(name)) return `Invalid wheel filename (invalid project name): '${filename}'`;
  if (!PEP440.test(version)) return `Invalid wheel filename (invalid version): '${filename}'`;
  return undefined;
}

/** The Python configparser that reads entry_points.txt (`=` only, strict), reduced to what validation needs. */
function entryPointsProblem(text: string): boolean {
  const sections = new Map<string, Set<string>>();
  let current: Set<string> | undefined;
  let lastIndent = -1;
  for (const line of text.split(/\r\n|\r|\n/)) {
    const stripped = line.trim();
    if (stripped === '' || stripped.startsWith('#') || stripped.startsWith(';')) continue;
    const indent = line.length - line.trimStart().length;
    if (current && lastIndent >= 0 && indent > lastIndent) continue; // a continuation line of the last value
    const header = /^\[(.+)\]/.exec(stripped);
    if (header) {
      if (sections.has(header[1])) return true; // DuplicateSectionError
      current = new Set();
      sections.set(header[1], current);
      lastIndent = -1;
      continue;
    }
    if (!current) return true; // MissingSectionHeaderError
    const option = /^(.*?)\s*=\s*(.*)$/.exec(stripped);
    if (!option) return true; // ParsingError
    if (current.has(option[1])) return true; // DuplicateOptionError
    current.add(option[1]);
    lastIndent = indent;
  }
  for (const section of ['console_scripts', 'gui_scripts']) {
    for (const name of sections.get(section) ?? []) {
      if (!/^[\p{L}\p{N}_.-]+$/u.test(name)) return true;
    }
  }
  return false;
}

/** Every check warehouse makes of the file itself, in its order. `projectName` is the project as registered. */
export function checkDistFile(filename: string, filetype: string, data: Buffer, projectName: string, version: string): DistVerdict {
  const invalid = validDistFile(filename, data);
  if (invalid !== undefined) return { problem: `Invalid distribution file. ${invalid}` };
  const normalized = normalizeProjectName(projectName);
  const underscored = normalized.replace(/-/g, '_');

  if (filetype === 'sdist') {
    // PEP 625: `{normalized_name}-{version}.tar.gz`, nothing else (a .zip sdist included).
    const expected = `${underscored}-${version}.tar.gz`;
    if (filename !== expected) return { problem: `Filename '${filename}' is invalid, should be '${expected}'.` };
    return {};
  }

  const nameProblem = wheelNameProblem(filename);
  if (nameProblem) return { problem: nameProblem };
  const [fileName, fileVersion] = splitWheelName(filename);
  if (fileName !== underscored) {
    return { problem: `Filename '${filename}' should contain the normalized project name '${underscored}', not '${fileName}'.` };
  }
  if (!sameVersion(version, fileVersion)) return { problem: `Version in filename should be '${version}' not '${fileVersion}'.` };

  const zip = zipEntries(data)!;
  const distInfo = `${fileName}-${fileVersion}.dist-info`;
  if (readZipEntry(data, zip, `${distInfo}/RECORD`) === undefined) {
    return { problem: `Wheel '${filename}' does not contain the required RECORD file: ${distInfo}/RECORD` };
  }
  const entryPoints = readZipEntry(data, zip, `${distInfo}/entry_points.txt`);
  if (entryPoints !== undefined) {
    let text: string | undefined;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(entryPoints);
    } catch {
      text = undefined;
    }
    if (text === undefined || entryPointsProblem(text)) {
      return { problem: `Wheel '${filename}' has invalid entry points defined in the entry_points.txt file` };
    }
  }
  const metadata = readZipEntry(data, zip, `${distInfo}/METADATA`);
  if (metadata === undefined) return { problem: `Wheel '${filename}' does not contain the required METADATA file: ${distInfo}/METADATA` };
  return { metadata };
}
