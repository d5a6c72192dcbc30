/**
 * The agreement matrix: one set of fixture distributions goes to both the pre-upload checks (verify/precheck.py, what
 * the build job and pull requests run) and the emulator's `/legacy/` (what PyPI answers), and every verdict matches:
 * accepted by both, or refused by both in the same words. The fixtures are made byte by byte, so each breaks
 * exactly one rule.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Emulator } from '../../src/emulator';
import { exchange } from '../emulator/client';
import { upload, wheelFields } from '../emulator/upload-client';
import { coreMetadata, sdistArchive, tarArchive, wheelArchive } from '../support/dist-archives';
import { defaultPublisher, startTestEmulator } from '../support/emulator';
import { recordOutput } from '../support/leaks';
import { installedPython, runTool, toolEnv } from '../support/tools';

const PRECHECK = join(__dirname, '..', '..', 'verify', 'precheck.py');
const NAME = 'agree-pkg';

interface Fixture {
  readonly label: string;
  readonly filename: string;
  readonly content: Buffer;
  readonly version: string;
  readonly metadataVersion: string;
  readonly sdist: boolean;
}

let n = 0;
interface WheelFixture { metadataVersion?: string; entryPoints?: string; fileName?: string; without?: string[]; glue?: Buffer }
function wheel(label: string, options: WheelFixture = {}): Fixture {
  const version = `0.${++n}`;
  const metadataVersion = options.metadataVersion ?? '2.1';
  const filename = `${options.fileName ?? 'agree_pkg'}-${version}-py3-none-any.whl`;
  const metadata = coreMetadata(NAME, version, metadataVersion);
  const built = wheelArchive(filename, NAME, version, { metadata, entryPoints: options.entryPoints, without: options.without });
  return { label, filename, content: options.glue ? Buffer.concat([options.glue, built]) : built, version, metadataVersion, sdist: false };
}

interface SdistFixture { metadataVersion?: string; stem?: (v: string) => string; ext?: string; content?: (top: string, v: string) => Buffer }
function sdist(label: string, options: SdistFixture = {}): Fixture {
  const version = `0.${++n}`;
  const metadataVersion = options.metadataVersion ?? '2.1';
  const top = options.stem?.(version) ?? `agree_pkg-${version}`;
  const filename = `${top}${options.ext ?? '.tar.gz'}`;
  const metadata = coreMetadata(NAME, version, metadataVersion);
  const content = options.content?.(top, version) ?? sdistArchive(filename, NAME, version, { metadata, top });
  return { label, filename, content, version, metadataVersion, sdist: true };
}

const FIXTURES: Fixture[] = [
  ...['1.0', '1.1', '1.2', '2.1', '2.2', '2.3', '2.4', '2.5'].map((mv) => wheel(`a wheel with Metadata-Version ${mv}`, { metadataVersion: mv })),
  ...['1.0', '2.2', '2.5'].map((mv) => sdist(`an sdist with Metadata-Version ${mv}`, { metadataVersion: mv })),
  wheel('a wheel with Metadata-Version 3.0', { metadataVersion: '3.0' }),
  wheel('a wheel with Metadata-Version 2.0 (never a standard)', { metadataVersion: '2.0' }),
  wheel('valid entry points', { entryPoints: '[console_scripts]\nagree = agree_pkg:main\n[gui_scripts]\nagree-gui = agree_pkg:gui\n' }),
  wheel('an entry point name with a path', { entryPoints: '[console_scripts]\n../agree = agree_pkg:main\n' }),
  wheel('an entry point line without =', { entryPoints: '[console_scripts]\nagree\n' }),
  wheel('entry points with `:` as delimiter', { entryPoints: '[console_scripts]\nagree: agree_pkg:main\n' }),
  wheel('a duplicate entry point', { entryPoints: '[console_scripts]\na = x:y\na = x:z\n' }),
  wheel('a wheel name that is not normalised', { fileName: 'Agree_Pkg' }),
  wheel('a wheel name with a dot', { fileName: 'agree.pkg' }),
  wheel('a wheel without RECORD', { without: ['RECORD'] }),
  wheel('a wheel without WHEEL', { without: ['WHEEL'] }),
  wheel('a tar + zip polyglot wheel', { glue: tarArchive([{ name: 'agree/PKG-INFO', data: 'x' }]) }),
  sdist('an sdist with a dash in the name (not PEP 625)', { stem: (v) => `agree-pkg-${v}` }),
  sdist('a .zip sdist', { ext: '.zip' }),
  sdist('an sdist with a sparse member', { content: (top, v) => gzipSync(tarArchive([{ name: `${top}/PKG-INFO`, data: coreMetadata(NAME, v) }, { name: `${top}/hole`, data: '', type: 'S' }])) }),
  sdist('an sdist with two top-level directories', { content: (top, v) => gzipSync(tarArchive([{ name: `${top}/PKG-INFO`, data: coreMetadata(NAME, v) }, { name: 'stray/file', data: '' }])) }),
];

let em: Emulator;
let emulatorVerdicts: Map<string, string>;
let precheckVerdicts: Map<string, string>;

beforeAll(async () => {
  em = await startTestEmulator({ projects: [NAME], publishers: [defaultPublisher([NAME])] });
  const token = (await exchange(em)).body.token!;
  emulatorVerdicts = new Map();
  for (const f of FIXTURES) {
    const fields: Record<string, string> = { ...wheelFields(NAME, f.version, f.content), metadata_version: f.metadataVersion };
    if (f.sdist) Object.assign(fields, { filetype: 'sdist', pyversion: 'source' });
    const answer = await upload(em, token, fields, { filename: f.filename, content: f.content });
    emulatorVerdicts.set(f.filename, answer.status === 200 ? 'accepted' : `${answer.status} ${answer.reason}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'agreement-'));
  for (const f of FIXTURES) writeFileSync(join(dir, f.filename), f.content);
  const run = await runTool(installedPython(), [PRECHECK, dir], { env: toolEnv() });
  recordOutput('precheck stdout', run.stdout, false);
  recordOutput('precheck stderr', run.stderr, false);
  expect(run.stderr).toBe('');
  precheckVerdicts = new Map();
  for (const line of run.stdout.split('\n')) {
    const error = /^::error file=[^,]*\/([^/,]+),title=PyPI would refuse this file::(.*)$/.exec(line);
    if (error) precheckVerdicts.set(error[1], `400 ${error[2].replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%')}`);
    const ok = /^(.+): PyPI's upload rules pass$/.exec(line);
    if (ok) precheckVerdicts.set(ok[1], 'accepted');
  }
}, 60_000);

test.each(FIXTURES.map((f) => [f.label, f] as const))('%s: the checks and the emulator agree', (_label, f) => {
  expect(precheckVerdicts.get(f.filename)).toBeDefined();
  expect(precheckVerdicts.get(f.filename)).toBe(emulatorVerdicts.get(f.filename));
});

test('the matrix has both verdicts', () => {
  const verdicts = [...emulatorVerdicts.values()];
  expect(verdicts.filter((v) => v === 'accepted').length).toBeGreaterThanOrEqual(12);
  expect(verdicts.filter((v) => v !== 'accepted').length).toBeGreaterThanOrEqual(12);
});

test('what only the checks can see: files that are neither wheels nor sdists, License-Expression before 2.4', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'precheck-only-'));
  writeFileSync(join(dir, 'notes.txt'), 'x');
  const version = '9.9';
  const filename = `agree_pkg-${version}-py3-none-any.whl`;
  writeFileSync(join(dir, filename), wheelArchive(filename, NAME, version, { metadata: coreMetadata(NAME, version, '2.3', ['License-Expression: MIT']) }));
  const lic = `agree_pkg-${version}.tar.gz`;
  writeFileSync(join(dir, lic), sdistArchive(lic, NAME, version, { metadata: coreMetadata(NAME, version, '2.4', ['License-Expression: MIT', 'License-File: LICENSE']) }));
  const run = await runTool(installedPython(), [PRECHECK, dir], { env: toolEnv() });
  recordOutput('precheck only stdout', run.stdout, false);
  expect(run.code).toBe(1);
  expect(run.stdout).toContain('notes.txt is neither a wheel nor an sdist');
  expect(run.stdout).toContain("'license-expression' is only valid for Metadata-Version 2.4 and later (this file has 2.3)");
  expect(run.stdout).toContain(`License-File LICENSE does not exist in distribution file ${lic} at agree_pkg-${version}/LICENSE`);
});
