/** The `/legacy/` rules, one broken field at a time, over plain HTTP (what twine sends, minus what is broken). */
import { createHash } from 'node:crypto';
import { blake2b } from '@noble/hashes/blake2b';
import type { Emulator } from '../../../src/emulator';
import { wheelArchive } from '../../support/dist-archives';
import { defaultPublisher, startTestEmulator } from '../../support/emulator';
import { exchange } from '../client';
import { upload, wheelFields } from '../upload-client';

let em: Emulator;
let token: string;
const WHEEL = 'rules_pkg-1.0.0-py3-none-any.whl';
/** A real wheel for the name and version its file name spells (deterministic: the same bytes each time). */
const bytesFor = (filename: string): Buffer => wheelArchive(filename, filename.split('-')[0], filename.split('-')[1] ?? '0');
const content = bytesFor(WHEEL);

beforeAll(async () => {
  em = await startTestEmulator({
    projects: ['rules-pkg', 'sibling', 'stranger'],
    publishers: [defaultPublisher(['rules-pkg']), defaultPublisher(['sibling', 'not-yet-created'])],
    maxUploadBytes: 1024,
  });
  token = (await exchange(em)).body.token!;
});
afterEach(() => em.clock.reset());

const file = (filename = WHEEL, bytes?: Buffer) => ({ filename, content: bytes ?? bytesFor(filename) });

test('a complete upload is 200, and identical re-upload is 200 again', async () => {
  expect((await upload(em, token, wheelFields('rules-pkg', '1.0.0', content), file())).status).toBe(200);
  expect((await upload(em, token, wheelFields('rules-pkg', '1.0.0', content), file())).status).toBe(200);
  expect(em.uploads().filter((u) => u.filename === WHEEL)).toHaveLength(1);
});

test('one token covers every project that trusts the publisher', async () => {
  const bytes = bytesFor('sibling-2.0-py3-none-any.whl');
  const answer = await upload(em, token, wheelFields('sibling', '2.0', bytes), file('sibling-2.0-py3-none-any.whl', bytes));
  expect(answer.status).toBe(200);
});

test('different content under an existing filename: 400 File already exists', async () => {
  const other = Buffer.from('other bytes');
  const answer = await upload(em, token, wheelFields('rules-pkg', '1.0.0', other), file(WHEEL, other));
  expect(answer.status).toBe(400);
  expect(answer.reason).toMatch(/^File already exists \('rules_pkg-1\.0\.0-py3-none-any\.whl', with blake2_256 hash '[0-9a-f]{64}'\)\. See https:\/\/pypi\.org\/help\/#file-name-reuse/);
  expect(answer.body).toContain(answer.reason);
});

describe('authentication and scope (403)', () => {
  const INVALID = 'Invalid or non-existent authentication information. See https://pypi.org/help/#invalid-auth for more information.';
  test.each([
    ['no Authorization header', undefined],
    ['an unknown pypi- token', `Basic ${Buffer.from('__token__:pypi-not-minted-here').toString('base64')}`],
    ['a username other than __token__', 'USER'],
    ['a Digest scheme', 'Digest abc'],
  ])('%s', async (_label, authorization) => {
    const auth = authorization === 'USER' ? `Basic ${Buffer.from(`someone:${token}`).toString('base64')}` : authorization;
    const answer = await upload(em, undefined, wheelFields('rules-pkg', '1.1', bytesFor('rules_pkg-1.1-py3-none-any.whl')), file('rules_pkg-1.1-py3-none-any.whl'), auth ?? '');
    expect(answer).toMatchObject({ status: 403, reason: INVALID });
  });

  test('the token scheme PyPI also accepts', async () => {
    const bytes = bytesFor('rules_pkg-1.2-py3-none-any.whl');
    const answer = await upload(em, undefined, wheelFields('rules-pkg', '1.2', bytes), file('rules_pkg-1.2-py3-none-any.whl', bytes), `token ${token}`);
    expect(answer.status).toBe(200);
  });

  test('an expired token', async () => {
    em.clock.advance(900);
    const answer = await upload(em, token, wheelFields('rules-pkg', '1.3', bytesFor('rules_pkg-1.3-py3-none-any.whl')), file('rules_pkg-1.3-py3-none-any.whl'));
    expect(answer).toMatchObject({ status: 403, reason: 'Invalid API Token: token is expired' });
  });

  test('a project the publisher is not trusted by', async () => {
    const answer = await upload(em, token, wheelFields('stranger', '1.0', bytesFor('stranger-1.0-py3-none-any.whl')), file('stranger-1.0-py3-none-any.whl'));
    expect(answer).toMatchObject({ status: 403, reason: "The given token isn't allowed to upload to project 'stranger'. See https://pypi.org/help/#project-name for more information." });
  });
});

test('an OIDC token cannot create a project, even one its publisher names', async () => {
  const answer = await upload(em, token, wheelFields('not-yet-created', '1.0', bytesFor('not_yet_created-1.0-py3-none-any.whl')), file('not_yet_created-1.0-py3-none-any.whl'));
  expect(answer.status).toBe(400);
  expect(answer.reason).toMatch(/^Non-user identities cannot create new projects\. This was probably caused by successfully using a pending publisher/);
});

test('a pending publisher creates its project at mint time, so the upload succeeds', async () => {
  const own = await startTestEmulator({ pendingPublishers: [{ project: 'Fresh.Project', owner: 'octo-org', ownerId: '4242', repository: 'demo', workflow: 'release.yml' }] });
  const fresh = (await exchange(own)).body.token!;
  const answer = await upload(own, fresh, wheelFields('fresh-project', '0.1', bytesFor('fresh_project-0.1-py3-none-any.whl')), file('fresh_project-0.1-py3-none-any.whl'));
  expect(answer.status).toBe(200);
  expect(own.uploads()).toEqual([expect.objectContaining({ project: 'Fresh.Project', version: '0.1' })]);
});

describe('form checks (400, reason phrase)', () => {
  const name = 'rules_pkg-3.0-py3-none-any.whl';
  const fields = (patch: Record<string, string | undefined>) => ({ ...wheelFields('rules-pkg', '3.0', bytesFor(name)), ...patch });
  test.each([
    ['missing name', { name: undefined }, /^'' is an invalid value for Name\. Error: This field is required\./],
    ['missing version', { version: undefined }, /^'' is an invalid value for Version\. Error: This field is required\./],
    ['missing metadata_version', { metadata_version: undefined }, /^'' is an invalid value for Metadata-Version/],
    ['unknown metadata_version', { metadata_version: '9.9' }, /^'9\.9' is an invalid value for Metadata-Version/],
    ['unknown filetype', { filetype: 'bdist_egg' }, /^Invalid value for filetype\. Error: Use a known file type\.$/],
    ['wheel without pyversion', { pyversion: undefined }, /^Invalid value for pyversion\. Error: Python version is required/],
    ['no digest at all', { sha256_digest: undefined, md5_digest: undefined }, /^Error: Include at least one message digest\.$/],
    ['a malformed sha256', { sha256_digest: 'abc' }, /^Invalid value for sha256_digest\. Error: Use a valid, hex-encoded, SHA256 message digest\.$/],
    ['a malformed blake2_256', { blake2_256_digest: 'xyz' }, /^Invalid value for blake2_256_digest\. Error: Use a valid, hex-encoded, BLAKE2 message digest\.$/],
    ['protocol version 2', { protocol_version: '2' }, /^Unknown protocol version\.$/],
    ['sha256 of other bytes', { sha256_digest: createHash('sha256').update('x').digest('hex') }, /^The digest supplied does not match a digest calculated from the uploaded file\.$/],
    ['md5 of other bytes (sha256 right)', { md5_digest: createHash('md5').update('x').digest('hex') }, /^The digest supplied does not match/],
    ['blake2_256 of other bytes', { blake2_256_digest: 'ab'.repeat(32) }, /^The digest supplied does not match/],
  ])('%s', async (_label, patch, reason) => {
    const answer = await upload(em, token, fields(patch), file(name));
    expect(answer.status).toBe(400);
    expect(answer.reason).toMatch(reason);
  });

  test('a correct blake2_256 digest alone is enough', async () => {
    const bytes = bytesFor('rules_pkg-3.2-py3-none-any.whl');
    const blake = Buffer.from(blake2b(bytes, { dkLen: 32 })).toString('hex');
    const only = { ...wheelFields('rules-pkg', '3.2', bytes), sha256_digest: undefined, md5_digest: undefined, blake2_256_digest: blake };
    expect((await upload(em, token, only, file('rules_pkg-3.2-py3-none-any.whl', bytes))).status).toBe(200);
  });

  test('no file part', async () => {
    expect((await upload(em, token, fields({}))).reason).toBe('Upload payload does not have a file.');
  });

  test('a filename for another project, or the wrong extension', async () => {
    expect((await upload(em, token, fields({}), file('other-3.0-py3-none-any.whl'))).reason).toMatch(/^Start filename for 'rules-pkg'/);
    expect((await upload(em, token, fields({}), file('rules_pkg-3.0.exe'))).reason).toMatch(/^Invalid file extension/);
  });

  test('a file over the size cap', async () => {
    const big = Buffer.alloc(2048, 1);
    const answer = await upload(em, token, wheelFields('rules-pkg', '3.1', big), file('rules_pkg-3.1-py3-none-any.whl', big));
    expect(answer).toMatchObject({ status: 400 });
    expect(answer.reason).toMatch(/^File too large\. Limit for project 'rules-pkg' is/);
  });

  test('legacy actions are gone; an unknown action is refused', async () => {
    expect((await upload(em, token, fields({ ':action': 'submit' }))).status).toBe(410);
    expect((await upload(em, token, fields({ ':action': 'doc_upload' }))).status).toBe(410);
    expect((await upload(em, token, fields({ ':action': 'nope' }))).status).toBe(400);
  });
});

test('POST /legacy (no slash) is redirected with 308; GET /legacy/ is not an upload', async () => {
  const res = await fetch(em.uploadUrl.replace(/\/$/, ''), { method: 'POST', body: 'x', redirect: 'manual' });
  expect(res.status).toBe(308);
  expect(res.headers.get('location')).toBe('/legacy/');
  expect((await fetch(em.uploadUrl)).status).toBe(405);
  const notMultipart = await fetch(em.uploadUrl, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
  expect(notMultipart.status).toBe(400);
});
