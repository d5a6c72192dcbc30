/**
 * PyPI's rules of 2025-26, as warehouse has them (forklift/legacy.py, utils/wheel.py, oidc/models/github.py,
 * oidc/views.py, oidc/tasks.py), each pinned over plain HTTP: what the emulator answers is what PyPI answers.
 * docs/emulator.md's fidelity table names the test of each rule.
 */
import { gzipSync } from 'node:zlib';
import type { Emulator } from '../../../src/emulator';
import { coreMetadata, sdistArchive, tarArchive, wheelArchive, zipArchive } from '../../support/dist-archives';
import { defaultPublisher, startTestEmulator } from '../../support/emulator';
import { exchange, mint, refusal, requestJwt } from '../client';
import { upload, wheelFields } from '../upload-client';

let em: Emulator;
beforeAll(async () => {
  em = await startTestEmulator({ projects: ['rules-2026'], publishers: [defaultPublisher(['rules-2026'])] });
});
afterEach(() => {
  em.clock.reset();
  em.resetRunnerClaims();
  em.setVisibilityDelay(0);
});

const token = async (): Promise<string> => (await exchange(em)).body.token!;
let counter = 0;
const nextVersion = (): string => `4.0.${++counter}`;

function sdistFields(version: string, content: Buffer, metadataVersion = '2.1'): Record<string, string> {
  return { ...wheelFields('rules-2026', version, content), filetype: 'sdist', pyversion: 'source', metadata_version: metadataVersion };
}

async function sendWheel(filename: string, content: Buffer, version: string, auth?: string) {
  return upload(em, auth ?? await token(), wheelFields('rules-2026', version, content), { filename, content });
}

async function sendSdist(filename: string, content: Buffer, version: string) {
  return upload(em, await token(), sdistFields(version, content), { filename, content });
}

describe('closed releases (forklift/legacy.py MAXIMUM_AGE_FOR_NEW_UPLOADS_DAYS = 14)', () => {
  test('a new file for a release created more than 14 days ago is refused; the identical re-upload is still 200', async () => {
    const version = nextVersion();
    const wheel = `rules_2026-${version}-py3-none-any.whl`;
    const bytes = wheelArchive(wheel, 'rules-2026', version);
    expect((await sendWheel(wheel, bytes, version)).status).toBe(200);

    em.clock.advance(13 * 86400); // still open on day 13
    const sdist = `rules_2026-${version}.tar.gz`;
    const sdistBytes = sdistArchive(sdist, 'rules-2026', version);
    expect((await sendSdist(sdist, sdistBytes, version)).status).toBe(200);

    em.clock.advance(2 * 86400); // day 15
    expect(await sendWheel(wheel, bytes, version)).toMatchObject({ status: 200 }); // what --skip-existing relies on
    const other = `rules_2026-${version}-py2.py3-none-any.whl`;
    expect(await sendWheel(other, wheelArchive(other, 'rules-2026', version), version)).toMatchObject({
      status: 400, reason: 'Uploading new files to releases older than 14 days is not allowed.',
    });
    // a new release of the same project is open
    const next = nextVersion();
    const nextWheel = `rules_2026-${next}-py3-none-any.whl`;
    expect((await sendWheel(nextWheel, wheelArchive(nextWheel, 'rules-2026', next), next)).status).toBe(200);
  });
});

describe('wheel entry points (utils/wheel.py validate_entrypoints)', () => {
  test.each([
    ['a console script with a path in its name', '[console_scripts]\n../evil = pkg:main\n'],
    ['a gui script with a space in its name', '[gui_scripts]\nmy tool = pkg:main\n'],
    ['a line without =', '[console_scripts]\njust-a-name\n'],
    ['`:` as the delimiter (the spec allows only =)', '[console_scripts]\ntool: pkg:main\n'],
    ['an entry before any section', 'tool = pkg:main\n'],
    ['a duplicate entry', '[console_scripts]\ntool = pkg:a\ntool = pkg:b\n'],
    ['a duplicate section', '[console_scripts]\na = pkg:a\n[console_scripts]\nb = pkg:b\n'],
    ['bytes that are not UTF-8', Buffer.from([0x5b, 0xff, 0xfe, 0x5d, 0x0a])],
  ])('%s: refused', async (_label, entryPoints) => {
    const version = nextVersion();
    const wheel = `rules_2026-${version}-py3-none-any.whl`;
    const answer = await sendWheel(wheel, wheelArchive(wheel, 'rules-2026', version, { entryPoints }), version);
    expect(answer).toMatchObject({ status: 400, reason: `Wheel '${wheel}' has invalid entry points defined in the entry_points.txt file` });
  });

  test('valid entry points, other groups free-form, comments and continuation lines: accepted', async () => {
    const version = nextVersion();
    const wheel = `rules_2026-${version}-py3-none-any.whl`;
    const entryPoints = '# comment\n[console_scripts]\nrules-2026 = rules_2026:main\nrules.two_ = rules_2026.cli:run [extra]\n' +
      '\n[pytest11]\nanything goes = rules_2026.plugin\n  continued\n';
    expect((await sendWheel(wheel, wheelArchive(wheel, 'rules-2026', version, { entryPoints }), version)).status).toBe(200);
  });
});

describe('PEP 625 sdist names and normalised wheel names (forklift/legacy.py)', () => {
  test('an sdist named other than {normalized_name}-{version}.tar.gz is refused, naming the expected name', async () => {
    const version = nextVersion();
    const bad = `rules-2026-${version}.tar.gz`;
    expect(await sendSdist(bad, sdistArchive(bad, 'rules-2026', version), version)).toMatchObject({
      status: 400, reason: `Filename '${bad}' is invalid, should be 'rules_2026-${version}.tar.gz'.`,
    });
  });

  test('a .zip sdist is refused the same way (PEP 625: .tar.gz only)', async () => {
    const version = nextVersion();
    const zip = `rules_2026-${version}.zip`;
    expect(await sendSdist(zip, sdistArchive(zip, 'rules-2026', version), version)).toMatchObject({
      status: 400, reason: `Filename '${zip}' is invalid, should be 'rules_2026-${version}.tar.gz'.`,
    });
  });

  test('a wheel whose name is not normalised is refused', async () => {
    const version = nextVersion();
    const wheel = `Rules_2026-${version}-py3-none-any.whl`;
    expect(await sendWheel(wheel, wheelArchive(wheel, 'rules-2026', version), version)).toMatchObject({
      status: 400, reason: `Filename '${wheel}' should contain the normalized project name 'rules_2026', not 'Rules_2026'.`,
    });
  });

  test('a wheel file name with the wrong number of parts', async () => {
    const version = nextVersion();
    const wheel = `rules_2026-${version}-py3-none.whl`;
    expect(await sendWheel(wheel, wheelArchive(wheel, 'rules-2026', version), version)).toMatchObject({
      status: 400, reason: `Invalid wheel filename (wrong number of parts): '${wheel}'`,
    });
  });

  test('the PEP 625 name is accepted', async () => {
    const version = nextVersion();
    const good = `rules_2026-${version}.tar.gz`;
    expect((await sendSdist(good, sdistArchive(good, 'rules-2026', version), version)).status).toBe(200);
  });
});

describe('archives PyPI cannot read are refused (no more `core-metadata: false`)', () => {
  const wheelOf = (version: string) => `rules_2026-${version}-py3-none-any.whl`;
  test.each<[string, (f: string, v: string) => Buffer, (f: string, v: string) => string]>([
    ['bytes that are not a zip', () => Buffer.from('PK\u0003\u0004 pretend'), () => 'Invalid distribution file. File is not a zipfile'],
    ['a tar with a zip glued on (a polyglot)', (f, v) => Buffer.concat([tarArchive([{ name: 'x/PKG-INFO', data: 'x' }]), wheelArchive(f, 'rules-2026', v)]),
      () => 'Invalid distribution file. File is both a zip and a tar file'],
    ['a wheel without WHEEL', (f, v) => wheelArchive(f, 'rules-2026', v, { without: ['WHEEL'] }),
      (_f, v) => `Invalid distribution file. WHEEL not found at rules_2026-${v}.dist-info/WHEEL`],
    ['a wheel compressed with bzip2', (_f, v) => zipArchive([{ name: `rules_2026-${v}.dist-info/WHEEL`, data: 'x' }], 12),
      () => 'Invalid distribution file. File does not use a supported compression type'],
    ['a wheel without RECORD', (f, v) => wheelArchive(f, 'rules-2026', v, { without: ['RECORD'] }),
      (f, v) => `Wheel '${f}' does not contain the required RECORD file: rules_2026-${v}.dist-info/RECORD`],
    ['a wheel without METADATA', (f, v) => wheelArchive(f, 'rules-2026', v, { without: ['METADATA'] }),
      (f, v) => `Wheel '${f}' does not contain the required METADATA file: rules_2026-${v}.dist-info/METADATA`],
  ])('%s', async (_label, make, reason) => {
    const version = nextVersion();
    const filename = wheelOf(version);
    expect(await sendWheel(filename, make(filename, version), version)).toMatchObject({ status: 400, reason: reason(filename, version) });
  });

  test.each<[string, (top: string, v: string) => Buffer, (top: string) => string]>([
    ['an sdist with a sparse member', (top, v) => gzipSync(tarArchive([{ name: `${top}/PKG-INFO`, data: coreMetadata('rules-2026', v) }, { name: `${top}/big`, data: '', type: 'S' }])),
      () => 'Invalid distribution file. tar archive not accepted: Sparse members are not allowed. See https://docs.pypi.org/archives for more information'],
    ['an sdist without PKG-INFO', (top) => gzipSync(tarArchive([{ name: `${top}/setup.py`, data: '' }, { name: `${top}/src/x.py`, data: '' }])),
      (top) => `Invalid distribution file. PKG-INFO not found at ${top}/PKG-INFO`],
    ['an sdist with two top-level directories', (top, v) => gzipSync(tarArchive([{ name: `${top}/PKG-INFO`, data: coreMetadata('rules-2026', v) }, { name: 'other/x', data: '' }])),
      () => 'Invalid distribution file. Incorrect number of top-level directories in sdist'],
    ['an sdist that is not a tar', () => Buffer.from('not a tar at all'), () => 'Invalid distribution file. File is not a tarfile'],
  ])('%s', async (_label, make, reason) => {
    const version = nextVersion();
    const top = `rules_2026-${version}`;
    expect(await sendSdist(`${top}.tar.gz`, make(top, version), version)).toMatchObject({ status: 400, reason: reason(top) });
  });

  test('a good wheel gets its METADATA served as <file>.metadata, and core-metadata in PEP 691', async () => {
    const version = nextVersion();
    const wheel = wheelOf(version);
    expect((await sendWheel(wheel, wheelArchive(wheel, 'rules-2026', version), version)).status).toBe(200);
    expect(await (await fetch(`${em.pypiUrl}/files/rules-2026/${wheel}.metadata`)).text()).toBe(coreMetadata('rules-2026', version));
  });
});

describe('trusted publishing claims (oidc/models/github.py, oidc/views.py)', () => {
  test('a pull_request_target token is refused at mint', async () => {
    em.setRunnerClaims({ event_name: 'pull_request_target' });
    expect(refusal(await exchange(em))).toEqual({
      code: 'invalid-publisher',
      description: "valid token, but no corresponding publisher (Publishing from a workflow invoked via 'pull_request_target' is not supported.)",
    });
  });

  test('sub is not checked: any sub, or none, mints', async () => {
    em.setRunnerClaims({ sub: 'repo:someone-else/entirely:ref:refs/heads/main' });
    expect((await exchange(em)).status).toBe(200);
    em.setRunnerClaims({ sub: undefined });
    expect((await exchange(em)).status).toBe(200);
  });

  test('repo_property_*, check_run_id and claims PyPI has never heard of are tolerated', async () => {
    em.setRunnerClaims({ repo_property_team: 'release', repo_property_tier: 'gold', check_run_id: '123456', brand_new_claim: { nested: true } });
    expect((await exchange(em)).status).toBe(200);
  });

  test('a JWT used twice: invalid-reuse-token', async () => {
    const jwt = await requestJwt(em);
    expect((await mint(em, jwt)).status).toBe(200);
    expect(refusal(await mint(em, jwt))).toEqual({ code: 'invalid-reuse-token', description: 'invalid token: already used' });
  });
});

describe('pending publishers expire after 30 days (oidc/tasks.py PENDING_PUBLISHER_EXPIRY_DAYS)', () => {
  const pending = { project: 'brand-new', owner: 'octo-org', ownerId: '4242', repository: 'brand-new-repo', workflow: 'release.yml' };
  const claims = { repository: 'octo-org/brand-new-repo', job_workflow_ref: 'octo-org/brand-new-repo/.github/workflows/release.yml@refs/tags/v1.0.0' };

  test('one registered 29 days ago still creates its project', async () => {
    const own = await startTestEmulator({ pendingPublishers: [{ ...pending, createdAt: Math.floor(Date.now() / 1000) - 29 * 86400 }] });
    own.setRunnerClaims(claims);
    expect((await exchange(own)).status).toBe(200);
  });

  test('one registered 31 days ago matches nothing', async () => {
    const own = await startTestEmulator({ pendingPublishers: [pending] });
    own.clock.advance(31 * 86400);
    own.setRunnerClaims(claims);
    expect(refusal(await exchange(own))).toEqual({
      code: 'invalid-publisher', description: 'valid token, but no corresponding publisher (Publisher with matching claims was not found)',
    });
  });
});

describe('new release visibility (a configurable delay, as PyPI\'s CDN catches up)', () => {
  test('a file is not served by the simple index, the file route or the Integrity API until the delay has passed', async () => {
    em.setVisibilityDelay(600);
    const version = nextVersion();
    const wheel = `rules_2026-${version}-py3-none-any.whl`;
    expect((await sendWheel(wheel, wheelArchive(wheel, 'rules-2026', version), version)).status).toBe(200);
    const listed = async () => ((await (await fetch(`${em.simpleUrl}rules-2026/`, { headers: { accept: 'application/vnd.pypi.simple.v1+json' } })).json()) as
      { files: Array<{ filename: string }> }).files.some((f) => f.filename === wheel);
    expect(await listed()).toBe(false);
    expect((await fetch(`${em.pypiUrl}/files/rules-2026/${wheel}`)).status).toBe(404);
    expect(em.uploads().some((u) => u.filename === wheel)).toBe(true);
    em.clock.advance(600);
    expect(await listed()).toBe(true);
    expect((await fetch(`${em.pypiUrl}/files/rules-2026/${wheel}`)).status).toBe(200);
  });

  test('the config option takes an integer >= 0', async () => {
    await expect(startTestEmulator({ visibilityDelaySeconds: -1 })).rejects.toThrow(/visibilityDelaySeconds: expected an integer >= 0/);
    expect(() => em.setVisibilityDelay(1.5)).toThrow(RangeError);
  });
});
