/**
 * PEP 740 at upload, over real HTTP: attestations signed against the emulator's Fulcio and Rekor ride on the
 * `/legacy/` form as twine and uv send them, and the emulator applies PyPI's checks in PyPI's order and words
 * (warehouse `forklift/legacy.py` -> `attestations/services.py` -> pypi-attestations), then serves the provenance
 * through the Integrity API and `data-provenance` in the simple index.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Emulator } from '../../../src/emulator';
import { wheelArchive } from '../../support/dist-archives';
import { defaultPublisher, startTestEmulator } from '../../support/emulator';
import { registerSecret } from '../../support/leaks';
import { attest, PUBLISH_V1 } from '../../support/pep740';
import { exchange } from '../client';
import { sha256, upload, wheelFields, type UploadAnswer } from '../upload-client';

const WHEEL = 'demo_package-1.0.0-py3-none-any.whl';
const PREFIX = 'Invalid attestations supplied during upload: ';
const COULD_NOT_VERIFY = `${PREFIX}Could not verify the uploaded artifact using the included attestation: Verification failed: `;

let em: Emulator;
beforeAll(async () => {
  em = await startTestEmulator({ projects: ['demo-package'], publishers: [defaultPublisher()] });
});

let counter = 0;
/** A wheel nobody uploaded yet (each test its own version, so "File already exists" never interferes). */
function freshWheel(): { filename: string; version: string; content: Buffer } {
  counter += 1;
  const version = `1.0.${counter}`;
  return { filename: `demo_package-${version}-py3-none-any.whl`, version, content: wheelArchive(`demo_package-${version}-py3-none-any.whl`, 'demo-package', version) };
}

async function mintedToken(): Promise<string> {
  const minted = await exchange(em);
  expect(minted.status).toBe(200);
  registerSecret(minted.body.token!);
  return minted.body.token!;
}

async function uploadWith(file: { filename: string; version: string; content: Buffer }, attestations: unknown,
  token?: string): Promise<UploadAnswer> {
  const fields = { ...wheelFields('demo-package', file.version, file.content), attestations: typeof attestations === 'string' ? attestations : JSON.stringify(attestations) };
  return upload(em, token ?? await mintedToken(), fields, { filename: file.filename, content: file.content });
}

function expectRefusal(answer: UploadAnswer, reason: string | RegExp): void {
  expect(answer.status).toBe(400);
  if (typeof reason === 'string') expect(answer.reason).toBe(reason);
  else expect(answer.reason).toMatch(reason);
}

describe('accepted attestations', () => {
  test('are stored and served by the Integrity API, and linked from the simple index', async () => {
    const file = freshWheel();
    const attestation = await attest(em, file.filename, file.content);
    const answer = await uploadWith(file, [attestation]);
    expect(answer).toMatchObject({ status: 200 });

    const provenance = {
      version: 1,
      attestation_bundles: [{
        publisher: { kind: 'GitHub', repository: 'octo-org/demo', workflow: 'release.yml', environment: 'pypi' },
        attestations: [attestation],
      }],
    };
    expect(em.uploads().find((u) => u.filename === file.filename)?.provenance).toEqual(provenance);
    const url = `${em.pypiUrl}/integrity/demo-package/${file.version}/${file.filename}/provenance`;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.pypi.integrity.v1+json');
    expect(await res.json()).toEqual(provenance);
    const json = await fetch(url, { headers: { accept: 'application/json' } });
    expect(json.headers.get('content-type')).toBe('application/json');
    expect((await fetch(url, { headers: { accept: 'text/html' } })).status).toBe(406);

    // PEP 691 JSON, as pip and uv ask for it: the same URL in `provenance`
    const simpleJson = (await (await fetch(`${em.simpleUrl}demo-package/`, { headers: { accept: 'application/vnd.pypi.simple.v1+json' } })).json()) as
      { files: Array<{ filename: string; provenance: string | null }> };
    expect(simpleJson.files.find((f) => f.filename === file.filename)?.provenance).toBe(url);

    const page = await (await fetch(`${em.simpleUrl}demo-package/`)).text();
    const link = new RegExp(`<a href="[^"]*${file.filename.replace(/\./g, '\\.')}#sha256=${sha256(file.content)}"[^>]* data-provenance="([^"]+)"`).exec(page);
    expect(link?.[1]).toBe(url);
  });

  test('the fixture-shaped provenance: same keys as what PyPI serves for a real file', async () => {
    const real = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'pep740', 'pypi_attestations-0.0.19.tar.gz.provenance'), 'utf8'));
    const file = freshWheel();
    expect((await uploadWith(file, [await attest(em, file.filename, file.content)])).status).toBe(200);
    const ours = await (await fetch(`${em.pypiUrl}/integrity/demo-package/${file.version}/${file.filename}/provenance`)).json();
    // keys and value types (the publisher's environment is a string or null: the real one has none, ours `pypi`)
    const shape = (v: unknown): unknown => (v === null ? 'string' : Array.isArray(v) ? v.slice(0, 1).map(shape)
      : typeof v === 'object' ? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, shape((v as Record<string, unknown>)[k])])) : typeof v);
    expect(shape(ours)).toEqual(shape(real));
  });

  test('two attestations, one per predicate type PyPI knows (publish and SLSA provenance), are both kept', async () => {
    const file = freshWheel();
    const publish = await attest(em, file.filename, file.content);
    const slsa = await attest(em, file.filename, file.content, (s) => ({ ...s, predicateType: 'https://slsa.dev/provenance/v1', predicate: {} }));
    expect((await uploadWith(file, [publish, slsa])).status).toBe(200);
    const provenance = (await (await fetch(`${em.pypiUrl}/integrity/demo-package/${file.version}/${file.filename}/provenance`)).json()) as { attestation_bundles: Array<{ attestations: unknown[] }> };
    expect(provenance.attestation_bundles[0].attestations).toEqual([publish, slsa]);
  });

  test('a file uploaded without attestations has no provenance (404, as PyPI says it)', async () => {
    const file = freshWheel();
    expect((await upload(em, await mintedToken(), wheelFields('demo-package', file.version, file.content), file)).status).toBe(200);
    const res = await fetch(`${em.pypiUrl}/integrity/demo-package/${file.version}/${file.filename}/provenance`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: `No provenance available for ${file.filename}` });
    expect((await fetch(`${em.pypiUrl}/integrity/demo-package/9.9.9/${WHEEL}/provenance`)).status).toBe(404);
    expect(await (await fetch(`${em.simpleUrl}demo-package/`)).text()).not.toContain(`${file.filename}#sha256=${sha256(file.content)}" data-provenance`);
    const json = (await (await fetch(`${em.simpleUrl}demo-package/`, { headers: { accept: 'application/vnd.pypi.simple.v1+json' } })).json()) as
      { files: Array<{ filename: string; provenance: string | null }> };
    expect(json.files.find((f) => f.filename === file.filename)?.provenance).toBeNull();
  });
});

describe("PyPI's refusals, in PyPI's order and words", () => {
  test('attestations only on a trusted-publishing upload', async () => {
    const file = freshWheel();
    const attestation = await attest(em, file.filename, file.content);
    const apiToken = em.addApiToken(['demo-package']);
    expectRefusal(await uploadWith(file, [attestation], apiToken), `${PREFIX}Attestations are only supported when using Trusted Publishing`);
    // the same token uploads fine without them
    expect((await upload(em, apiToken, wheelFields('demo-package', file.version, file.content), file)).status).toBe(200);
  });

  test('a malformed or empty list, or more than two', async () => {
    const file = freshWheel();
    expectRefusal(await uploadWith(file, 'not json'), /^Invalid attestations supplied during upload: Malformed attestations: /);
    expectRefusal(await uploadWith(file, [{ version: 2 }]), /^Invalid attestations supplied during upload: Malformed attestations: /);
    expectRefusal(await uploadWith(file, []), `${PREFIX}Malformed attestations: an empty attestation set is not permitted`);
    const a = await attest(em, file.filename, file.content);
    expectRefusal(await uploadWith(file, [a, a, a]), `${PREFIX}A maximum of 2 attestations per file are supported`);
    expectRefusal(await uploadWith(file, [a, a]),
      `${PREFIX}Multiple attestations for the same file with the same predicate type (${PUBLISH_V1}) are not supported`);
    expect(em.uploads().some((u) => u.filename === file.filename)).toBe(false);
  });

  test('the file changed by one byte after signing', async () => {
    const file = freshWheel();
    const attestation = await attest(em, file.filename, file.content);
    const changed = Buffer.from(file.content);
    changed[0] = (changed[0] + 1) % 256;
    expectRefusal(await uploadWith({ ...file, content: changed }, [attestation]), `${COULD_NOT_VERIFY}subject does not match distribution digest`);
  });

  test('an attestation for another file', async () => {
    const file = freshWheel();
    const other = freshWheel();
    const attestation = await attest(em, other.filename, file.content);
    expectRefusal(await uploadWith(file, [attestation]),
      `${COULD_NOT_VERIFY}subject does not match distribution name: ${other.filename} != ${file.filename}`);
  });

  test('a statement with two subjects', async () => {
    const file = freshWheel();
    const attestation = await attest(em, file.filename, file.content, (s) => ({ ...s, subject: [...s.subject, { ...s.subject[0], name: 'demo_package-1.0.0.tar.gz' }] }));
    expectRefusal(await uploadWith(file, [attestation]), `${COULD_NOT_VERIFY}too many subjects in statement (must be exactly one)`);
  });

  test('another predicate type', async () => {
    const file = freshWheel();
    const attestation = await attest(em, file.filename, file.content, (s) => ({ ...s, predicateType: 'https://in-toto.io/attestation/release/v0.1' }));
    expectRefusal(await uploadWith(file, [attestation]), `${COULD_NOT_VERIFY}unknown attestation type: https://in-toto.io/attestation/release/v0.1`);
  });

  test('a certificate for another workflow than the publisher that minted the token', async () => {
    const file = freshWheel();
    em.setRunnerClaims({ workflow_ref: 'octo-org/demo/.github/workflows/ci.yml@refs/tags/v1.0.0' });
    let attestation;
    try {
      attestation = await attest(em, file.filename, file.content);
    } finally {
      em.resetRunnerClaims();
    }
    // PyPI prints the extension as Python's repr of it (DER UTF8String: tag 0x0c, length as one byte ('J' = 74), the URI)
    const uri = 'https://github.com/octo-org/demo/.github/workflows/ci.yml@refs/tags/v1.0.0';
    const id = '<ObjectIdentifier(oid=1.3.6.1.4.1.57264.1.18, name=Unknown OID)>';
    expectRefusal(await uploadWith(file, [attestation]), `${COULD_NOT_VERIFY}Certificate's Build Config URI (<Extension(oid=${id}, critical=False, ` +
      `value=<UnrecognizedExtension(oid=${id}, value=b'\\x0c${String.fromCharCode(uri.length)}${uri}')>)>) does not match expected ` +
      'Trusted Publisher (release.yml @ octo-org/demo)');
  });

  test('a certificate for another repository', async () => {
    const file = freshWheel();
    em.setRunnerClaims({ repository: 'octo-org/fork', workflow_ref: 'octo-org/fork/.github/workflows/release.yml@refs/tags/v1.0.0' });
    let attestation;
    try {
      attestation = await attest(em, file.filename, file.content);
    } finally {
      em.resetRunnerClaims();
    }
    expectRefusal(await uploadWith(file, [attestation]), new RegExp(`^${COULD_NOT_VERIFY.replace(/[()]/g, '\\$&')}Certificate's OIDCSourceRepositoryURI does not match`));
  });

  test("a real attestation from the public-good instance: not this index's trusted root", async () => {
    const dir = join(__dirname, '..', '..', 'fixtures', 'pep740');
    const sdist = readFileSync(join(dir, 'pypi_attestations-0.0.19.tar.gz'));
    const attestation = JSON.parse(readFileSync(join(dir, 'pypi_attestations-0.0.19.tar.gz.publish.attestation'), 'utf8'));
    em.addProject('pypi-attestations');
    em.addPublisher({ projects: ['pypi-attestations'], owner: 'trailofbits', ownerId: '2314423', repository: 'pypi-attestations', workflow: 'release.yml' });
    em.setRunnerClaims({
      repository: 'trailofbits/pypi-attestations',
      repository_owner: 'trailofbits',
      repository_owner_id: '2314423',
      job_workflow_ref: 'trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19',
      ref: 'refs/tags/v0.0.19',
    });
    let token: string;
    try {
      token = await mintedToken();
    } finally {
      em.resetRunnerClaims();
    }
    const fields = {
      ...wheelFields('pypi-attestations', '0.0.19', sdist), filetype: 'sdist', pyversion: 'source', attestations: JSON.stringify([attestation]),
    };
    const answer = await upload(em, token, fields, { filename: 'pypi_attestations-0.0.19.tar.gz', content: sdist });
    expectRefusal(answer, new RegExp(`^${COULD_NOT_VERIFY}`));
  });

  test('the file checks come first: a digest mismatch is reported before bad attestations', async () => {
    const file = freshWheel();
    const fields = { ...wheelFields('demo-package', file.version, file.content), sha256_digest: sha256(Buffer.from('other')), attestations: '[]' };
    const answer = await upload(em, await mintedToken(), fields, file);
    expect(answer.reason).toBe('The digest supplied does not match a digest calculated from the uploaded file.');
  });
});
