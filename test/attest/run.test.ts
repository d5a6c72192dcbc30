/**
 * The attest step in-process against the emulator (GitHub's OIDC issuer, Fulcio, Rekor): what it writes (PEP 740,
 * verified as PyPI verifies it against the emulator's trusted root), how often it asks (one certificate per run,
 * one log entry per distribution), and every way it refuses or gives up without writing anything.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attestationFiles, attestEnv, readAttestation, runInProcess, SDIST, statementOf, verifyLikePypi, WHEEL, workspaceWith } from './harness';
import type { Emulator } from '../../src/emulator';
import type { Fault } from '../../src/emulator/types';
import { annotations, maskedValues, theError } from '../mint/harness';
import { startTestEmulator, defaultPublisher } from '../support/emulator';
import { publishStatement, signStatement } from '../support/pep740';

let emu: Emulator;

// a fresh emulator per test: its request log counts one run, and no queued fault outlives its test
beforeEach(async () => {
  emu = await startTestEmulator({ projects: ['demo-package'], publishers: [defaultPublisher()] });
});
afterEach(async () => emu.close());

const requests = () => ({ fulcio: emu.requests('fulcio').length, rekor: emu.requests('rekor').length });
const fault = (route: 'fulcio' | 'rekor', ...faults: Fault[]) => emu.faults.inject(route, ...faults);
/** Longer than any request timeout the tests set, short enough not to outlive the test file. */
const HANG: Fault = { delayMs: 3_000 };

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('signing', () => {
  test('two distributions: one certificate, two log entries, two PEP 740 attestations that verify', async () => {
    const { workspace, dist } = workspaceWith(SDIST, WHEEL);
    const r = await runInProcess(attestEnv(emu), workspace);
    expect(annotations(r.stdout, 'error')).toEqual([]);
    expect(r.code).toBe(0);
    expect(requests()).toEqual({ fulcio: 1, rekor: 2 });
    expect(attestationFiles(dist)).toEqual([`${WHEEL}.publish.attestation`, `${SDIST}.publish.attestation`]);
    expect(r.outputs).toEqual({ attested: 'true', attestations: `dist/${WHEEL}.publish.attestation\ndist/${SDIST}.publish.attestation` });

    for (const name of [SDIST, WHEEL]) {
      const a = readAttestation(join(dist, `${name}.publish.attestation`));
      expect(Object.keys(a).sort()).toEqual(['envelope', 'verification_material', 'version']);
      expect(a.version).toBe(1);
      expect(statementOf(a)).toEqual({
        _type: 'https://in-toto.io/Statement/v1',
        subject: [{ name, digest: { sha256: sha256(join(dist, name)) } }],
        predicateType: 'https://docs.pypi.org/attestations/publish/v1',
        predicate: null,
      });
      expect(a.verification_material.transparency_entries).toHaveLength(1);
      const entry = a.verification_material.transparency_entries[0];
      expect(entry.kindVersion).toEqual({ kind: 'dsse', version: '0.0.1' });
      expect(entry).toHaveProperty('inclusionPromise.signedEntryTimestamp');
      expect(entry).toHaveProperty('inclusionProof.checkpoint.envelope');
      expect(verifyLikePypi(emu, a, name, sha256(join(dist, name)))).toBe('https://docs.pypi.org/attestations/publish/v1');
    }
    // both signed under the one certificate
    const certs = new Set([SDIST, WHEEL].map((n) => readAttestation(join(dist, `${n}.publish.attestation`)).verification_material.certificate));
    expect(certs.size).toBe(1);
    expect(r.summary).toContain('PEP 740 publish attestations');
  });

  test('the sigstore JWT is masked before anything is sent, and is the one Fulcio received', async () => {
    const { workspace } = workspaceWith(SDIST);
    const r = await runInProcess(attestEnv(emu), workspace);
    expect(r.code).toBe(0);
    const masked = maskedValues(r.stdout);
    expect(masked).toHaveLength(1);
    const jwt = masked[0];
    expect(r.lines[0]).not.toContain('::add-mask::'); // the listing comes first; the mask before the token is used
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
    expect(payload.aud).toBe('sigstore');
    expect(r.stdout.split(jwt)).toHaveLength(2); // only inside its ::add-mask:: line
  });

  test('a distribution changed after signing no longer verifies against its attestation', async () => {
    const { workspace, dist } = workspaceWith(SDIST);
    expect((await runInProcess(attestEnv(emu), workspace)).code).toBe(0);
    const a = readAttestation(join(dist, `${SDIST}.publish.attestation`));
    const bytes = readFileSync(join(dist, SDIST));
    bytes[100] = (bytes[100] + 1) % 256;
    writeFileSync(join(dist, SDIST), bytes);
    expect(() => verifyLikePypi(emu, a, SDIST, sha256(join(dist, SDIST)))).toThrow('Verification failed: subject does not match distribution digest');
  });
});

describe('refusals before any request', () => {
  test.each([
    ['an attestation already there', [SDIST, `${SDIST}.publish.attestation`], /already holds publish attestations \('demo_package-1\.0\.0\.tar\.gz\.publish\.attestation'\)/],
    ['a file that is not a distribution', [SDIST, 'notes.txt', 'checksums.sha256'], /not distributions \('checksums\.sha256', 'notes\.txt'\)/],
    ['an empty packages directory', [], /is empty/],
  ])('%s', async (_, names, message) => {
    const { workspace, dist } = workspaceWith(...names);
    const before = attestationFiles(dist);
    const r = await runInProcess(attestEnv(emu), workspace);
    expect(r.code).toBe(1);
    expect(theError(r.stdout).message).toMatch(message);
    expect(requests()).toEqual({ fulcio: 0, rekor: 0 });
    expect(attestationFiles(dist)).toEqual(before);
  });

  test('hidden files (uv build writes dist/.gitignore) are listed, not signed: dist/* does not upload them', async () => {
    const { workspace, dist } = workspaceWith(SDIST, '.gitignore');
    const r = await runInProcess(attestEnv(emu), workspace);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Not signed: .gitignore (hidden files');
    expect(attestationFiles(dist)).toEqual([`${SDIST}.publish.attestation`]);
  });

  test('no id-token permission: the error says what the job needs', async () => {
    const { workspace } = workspaceWith(SDIST);
    const env = attestEnv(emu);
    delete (env as Record<string, string | undefined>).ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    const r = await runInProcess(env, workspace);
    expect(r.code).toBe(1);
    expect(theError(r.stdout)).toMatchObject({ title: 'No OIDC token available', message: expect.stringContaining('id-token: write') });
  });

  test.each([
    ['fulcio-url', 'http://fulcio.example.com', /uses http:\/\/ with the non-loopback host/],
    ['fulcio-url', 'http://127.evil.example', /uses http:\/\/ with the non-loopback host/],
    ['fulcio-url', 'https://fulcio.example.com', /must be Sigstore's public instance/],
    ['rekor-url', 'https://rekor.example.com/?x=1', /must not have a query/],
    ['continue-without-attestations', 'yes', /must be true or false/],
  ])('input %s=%s is refused', async (input, value, message) => {
    const { workspace } = workspaceWith(SDIST);
    const r = await runInProcess({ ...attestEnv(emu), [`INPUT_${input.toUpperCase()}`]: value }, workspace);
    expect(r.code).toBe(1);
    expect(theError(r.stdout).message).toMatch(message);
  });
});

describe('Sigstore down, slow or answering garbage', () => {
  test('Fulcio 503 twice: retried, then signed', async () => {
    fault('fulcio', { status: 503, body: '{"message":"unavailable"}' }, { status: 503, body: 'busy', headers: { 'content-type': 'text/plain' } });
    const { workspace, dist } = workspaceWith(SDIST, WHEEL);
    const r = await runInProcess(attestEnv(emu), workspace);
    expect(r.code).toBe(0);
    expect(requests().fulcio).toBe(3);
    expect(r.stdout).toMatch(/Attempt 1 failed \(Fulcio refused a signing certificate: Fulcio answered HTTP 503: unavailable/);
    expect(attestationFiles(dist)).toHaveLength(2);
  });

  test.each([
    ['HTML with 200', { status: 200, body: '<html>captive portal</html>', headers: { 'content-type': 'text/html' } }, /Unusable answer from Fulcio/, /not JSON/],
    ['JSON without a chain', { status: 201, body: '{"signedCertificateEmbeddedSct":{}}' }, /Unusable answer from Fulcio/, /no certificate chain/],
    ['a certificate that does not parse', { status: 201, body: '{"signedCertificateEmbeddedSct":{"chain":{"certificates":["-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----"]}}}' }, /Unusable answer from Fulcio/, /does not parse/],
    ['a refusal', { status: 400, body: '{"code":3,"message":"There was an error processing the identity token"}' }, /Fulcio refused a signing certificate/, /did not accept the job's identity token/],
    ['a redirect', { status: 307, headers: { location: 'http://127.0.0.1:9/elsewhere' }, body: '' }, /Redirect refused/, /Fulcio answered 307, a redirect to http:\/\/127\.0\.0\.1:9\. The step never follows redirects/],
  ])('Fulcio answers %s: not retried, nothing written', async (_, answer, title, message) => {
    fault('fulcio', answer);
    const { workspace, dist } = workspaceWith(SDIST);
    const r = await runInProcess(attestEnv(emu), workspace);
    expect(r.code).toBe(1);
    const error = theError(r.stdout);
    expect(error.title).toMatch(title);
    expect(error.message).toMatch(message);
    expect(error.message).toContain('No attestation was written');
    expect(requests()).toEqual({ fulcio: 1, rekor: 0 });
    expect(attestationFiles(dist)).toEqual([]);
  });

  test('Fulcio down for good: a bounded number of attempts, then a clear error', async () => {
    fault('fulcio', ...Array.from({ length: 10 }, () => ({ status: 502, body: '' })));
    const { workspace, dist } = workspaceWith(SDIST);
    const r = await runInProcess(attestEnv(emu), workspace);
    expect(r.code).toBe(1);
    expect(requests().fulcio).toBe(4);
    expect(theError(r.stdout).message).toMatch(/HTTP 502.*gave up after 4 attempts/s);
    expect(attestationFiles(dist)).toEqual([]);
  });

  test('Fulcio hangs: each attempt times out, then the step gives up', async () => {
    fault('fulcio', ...Array.from({ length: 4 }, () => (HANG)));
    const { workspace } = workspaceWith(SDIST);
    const r = await runInProcess(attestEnv(emu), workspace, { requestTimeoutMs: 300, totalTimeoutMs: 20_000, backoffMs: [10, 10, 10] });
    expect(r.code).toBe(1);
    expect(theError(r.stdout)).toMatchObject({ title: 'Request timed out', message: expect.stringMatching(/^Fulcio did not answer within 0\.3 s.*gave up after 4 attempts/s) });
  });

  test('Rekor fails one entry once (500) and hangs on another once: both retried, both written', async () => {
    fault('rekor', { status: 500, body: '{"code":500,"message":"error creating entry"}' }, HANG);
    const { workspace, dist } = workspaceWith(SDIST, WHEEL);
    const r = await runInProcess(attestEnv(emu), workspace, { requestTimeoutMs: 1_000, totalTimeoutMs: 20_000, backoffMs: [10, 10, 10] });
    expect(r.code).toBe(0);
    expect(requests()).toEqual({ fulcio: 1, rekor: 4 });
    expect(attestationFiles(dist)).toHaveLength(2);
  });

  test.each([
    ['garbage', { status: 201, body: 'not json', headers: { 'content-type': 'text/plain' } }, /Unusable answer from Rekor/],
    ['an entry for another envelope', undefined, /not the envelope that was sent/],
    ['a refusal', { status: 400, body: '{"code":400,"message":"invalid entry"}' }, /Rekor refused the log entry/],
  ])('Rekor answers %s: one distribution fails, none is written', async (_, answer, title) => {
    emu.faults.inject('rekor', answer ?? { status: 201, headers: { 'content-type': 'application/json' }, body: await otherEntry() });
    const { workspace, dist } = workspaceWith(SDIST, WHEEL);
    const r = await runInProcess(attestEnv(emu), workspace);
    expect(r.code).toBe(1);
    expect(`${theError(r.stdout).title} ${theError(r.stdout).message}`).toMatch(title);
    expect(attestationFiles(dist)).toEqual([]);
  });

  test('the whole step is bounded by its time limit', async () => {
    fault('rekor', ...Array.from({ length: 10 }, () => (HANG)));
    const { workspace, dist } = workspaceWith(SDIST);
    const r = await runInProcess(attestEnv(emu), workspace, { requestTimeoutMs: 2_500, totalTimeoutMs: 1_000, backoffMs: [10] });
    expect(r.code).toBe(1);
    expect(theError(r.stdout).title).toBe('Time limit reached');
    expect(attestationFiles(dist)).toEqual([]);
  });
});

describe('continue-without-attestations', () => {
  test('Sigstore failing: a warning, no attestation, and the job goes on', async () => {
    fault('fulcio', { status: 400, body: '{"message":"bad token"}' });
    const { workspace, dist } = workspaceWith(SDIST);
    const r = await runInProcess(attestEnv(emu, { 'continue-without-attestations': 'true' }), workspace);
    expect(r.code).toBe(0);
    expect(annotations(r.stdout, 'error')).toEqual([]);
    const [warning] = annotations(r.stdout, 'warning');
    expect(warning.title).toBe('Publishing without attestations: Fulcio refused a signing certificate');
    expect(warning.message).toContain('uploaded without PEP 740 attestations');
    expect(r.outputs).toEqual({ attestations: '', attested: 'false' });
    expect(attestationFiles(dist)).toEqual([]);
  });

  test('a problem with the job itself still fails the step', async () => {
    const { workspace } = workspaceWith(SDIST, 'checksums.txt');
    const r = await runInProcess(attestEnv(emu, { 'continue-without-attestations': 'true' }), workspace);
    expect(r.code).toBe(1);
    expect(theError(r.stdout).message).toContain("'checksums.txt'");
  });
});

/** A well-formed Rekor v1 answer, for an envelope this run never signed (as if the log mixed up entries). */
async function otherEntry(): Promise<string> {
  const bundle = await signStatement(emu, publishStatement('other-1.0.tar.gz', Buffer.from('other')));
  const e = bundle.verificationMaterial.tlogEntries[0] as unknown as {
    logIndex: string;
    logId: { keyId: string };
    integratedTime: string;
    canonicalizedBody: string;
    inclusionPromise: { signedEntryTimestamp: string };
    inclusionProof: { logIndex: string; rootHash: string; treeSize: string; hashes: string[]; checkpoint: { envelope: string } };
  };
  const hex = (b64: string) => Buffer.from(b64, 'base64').toString('hex');
  return JSON.stringify({
    [hex(e.canonicalizedBody).slice(0, 64)]: {
      body: e.canonicalizedBody,
      integratedTime: Number(e.integratedTime),
      logID: hex(e.logId.keyId),
      logIndex: Number(e.logIndex ?? 0),
      verification: {
        signedEntryTimestamp: e.inclusionPromise.signedEntryTimestamp,
        inclusionProof: {
          logIndex: Number(e.inclusionProof.logIndex ?? 0),
          treeSize: Number(e.inclusionProof.treeSize),
          rootHash: hex(e.inclusionProof.rootHash),
          hashes: (e.inclusionProof.hashes ?? []).map(hex),
          checkpoint: e.inclusionProof.checkpoint.envelope,
        },
      },
    },
  });
}

describe('the time limit', () => {
  test('work abandoned at the limit neither prints nor writes after the step warned it would publish without', async () => {
    fault('rekor', { delayMs: 1_500 });
    const { workspace, dist } = workspaceWith(SDIST);
    const r = await runInProcess(attestEnv(emu, { 'continue-without-attestations': 'true' }), workspace,
      { requestTimeoutMs: 10_000, totalTimeoutMs: 800, backoffMs: [10] });
    expect(r.code).toBe(0);
    expect(annotations(r.stdout, 'warning')[0].title).toBe('Publishing without attestations: Time limit reached');
    expect(r.outputs).toEqual({ attestations: '', attested: 'false' });
    const printed = r.lines.length;
    await new Promise((done) => setTimeout(done, 2_500)); // past Rekor's late answer
    expect(r.lines).toHaveLength(printed);
    expect(attestationFiles(dist)).toEqual([]);
  });
});
