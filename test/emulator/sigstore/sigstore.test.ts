/**
 * The emulator's Fulcio and Rekor, over real HTTP: sigstore-js signs against them, @sigstore/verify checks the
 * result against the trusted root the emulator publishes, and the certificate carries GitHub's Fulcio extensions
 * for the job's claims. Bad tokens, keys and entries get Fulcio's and Rekor's refusals.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import type { Emulator } from '../../../src/emulator';
import { GITHUB_ISSUER, FULCIO_OID } from '../../../src/emulator/sigstore';
import { utf8Extension } from '../../../src/emulator/sigstore/attestation';
import { startTestEmulator } from '../../support/emulator';
import { publishStatement, signStatement, sigstoreJwt } from '../../support/pep740';
import { requestJwt } from '../client';

let em: Emulator;
beforeAll(async () => {
  em = await startTestEmulator();
});

const ext = utf8Extension;

function verifier(trustedRoot: unknown) {
  return new Verifier(toTrustMaterial(TrustedRoot.fromJSON(trustedRoot)), { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 });
}

async function fulcioRequest(body: unknown) {
  const res = await fetch(`${em.sigstore.fulcioUrl}/api/v2/signingCert`, {
    method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' },
  });
  return { status: res.status, body: (await res.json()) as { code?: number; message?: string } };
}

function keyAndProof(subject: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    content: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    proof: sign('sha256', Buffer.from(subject), privateKey).toString('base64'),
  };
}

describe('signing with sigstore-js against the emulator', () => {
  test('a DSSE bundle verifies with @sigstore/verify against the published trusted root', async () => {
    const statement = publishStatement('demo_package-1.0.0.tar.gz', Buffer.from('sdist bytes'));
    const bundle = await signStatement(em, statement);
    const trustedRoot = await (await fetch(em.sigstore.trustedRootUrl)).json();
    expect(trustedRoot).toEqual(em.sigstore.trustedRoot());
    const signer = verifier(trustedRoot).verify(toSignedEntity(bundleFromJSON(bundle)), {
      subjectAlternativeName: 'https://github.com/octo-org/demo/.github/workflows/release.yml@refs/tags/v1.0.0',
      extensions: { issuer: GITHUB_ISSUER },
    });
    expect(signer.identity?.subjectAlternativeName).toBe('https://github.com/octo-org/demo/.github/workflows/release.yml@refs/tags/v1.0.0');
    expect(JSON.parse(Buffer.from(bundle.dsseEnvelope!.payload, 'base64').toString())).toEqual(statement);

    // Rekor v1, dsse 0.0.1, with both a signed entry timestamp and an inclusion proof (what PEP 740 carries).
    const entry = bundle.verificationMaterial.tlogEntries[0];
    expect(entry.kindVersion).toEqual({ kind: 'dsse', version: '0.0.1' });
    expect(entry.inclusionPromise?.signedEntryTimestamp).toBeTruthy();
    expect(entry.inclusionProof?.checkpoint?.envelope).toMatch(/^127\.0\.0\.1:\d+ - \d+\n\d+\n/);
    const body = JSON.parse(Buffer.from(entry.canonicalizedBody, 'base64').toString());
    expect(body.spec.payloadHash.value).toBe(createHash('sha256').update(JSON.stringify(statement)).digest('hex'));
  });

  test("the certificate carries GitHub's Fulcio extensions for the job's claims", async () => {
    const bundle = await signStatement(em, publishStatement('demo_package-1.0.0.tar.gz', Buffer.from('x')));
    const cert = X509Certificate.parse(Buffer.from(bundle.verificationMaterial.certificate!.rawBytes, 'base64'));
    const sha = '8f4b2e1c9d3a7b6e5f4a3c2b1d0e9f8a7b6c5d4e';
    expect(cert.subjectAltName).toBe('https://github.com/octo-org/demo/.github/workflows/release.yml@refs/tags/v1.0.0');
    expect(ext(cert, FULCIO_OID.issuer)).toBe('https://token.actions.githubusercontent.com');
    expect(ext(cert, FULCIO_OID.sourceRepositoryUri)).toBe('https://github.com/octo-org/demo');
    expect(ext(cert, FULCIO_OID.sourceRepositoryDigest)).toBe(sha);
    expect(ext(cert, FULCIO_OID.sourceRepositoryRef)).toBe('refs/tags/v1.0.0');
    expect(ext(cert, FULCIO_OID.buildConfigUri)).toBe('https://github.com/octo-org/demo/.github/workflows/release.yml@refs/tags/v1.0.0');
    expect(ext(cert, FULCIO_OID.buildSignerUri)).toBe('https://github.com/octo-org/demo/.github/workflows/release.yml@refs/tags/v1.0.0');
    expect(ext(cert, FULCIO_OID.buildTrigger)).toBe('push');
    expect(ext(cert, FULCIO_OID.runInvocationUri)).toBe('https://github.com/octo-org/demo/actions/runs/7000000001/attempts/1');
    expect(cert.extSCT?.signedCertificateTimestamps).toHaveLength(1);
  });

  test('Build Config URI follows workflow_ref (the calling workflow), Build Signer URI job_workflow_ref', async () => {
    em.setRunnerClaims({ job_workflow_ref: 'octo-org/demo/.github/workflows/publish.yml@refs/tags/v1.0.0' });
    try {
      const bundle = await signStatement(em, publishStatement('demo_package-1.0.0.tar.gz', Buffer.from('x')));
      const cert = X509Certificate.parse(Buffer.from(bundle.verificationMaterial.certificate!.rawBytes, 'base64'));
      expect(cert.subjectAltName).toBe('https://github.com/octo-org/demo/.github/workflows/publish.yml@refs/tags/v1.0.0');
      expect(ext(cert, FULCIO_OID.buildConfigUri)).toBe('https://github.com/octo-org/demo/.github/workflows/release.yml@refs/tags/v1.0.0');
    } finally {
      em.resetRunnerClaims();
    }
  });

  test('log indexes grow and every inclusion proof checks against a signed checkpoint of the growing tree', async () => {
    const first = await signStatement(em, publishStatement('a-1.0.tar.gz', Buffer.from('a')));
    const second = await signStatement(em, publishStatement('b-1.0.tar.gz', Buffer.from('b')));
    const [e1, e2] = [first, second].map((b) => b.verificationMaterial.tlogEntries[0]);
    expect(Number(e2.logIndex)).toBe(Number(e1.logIndex) + 1);
    expect(Number(e2.inclusionProof!.treeSize)).toBe(Number(e2.logIndex) + 1);
    const v = verifier(em.sigstore.trustedRoot());
    for (const b of [first, second]) expect(() => v.verify(toSignedEntity(bundleFromJSON(b)))).not.toThrow();
  });
});

describe('faults and the request log reach the Sigstore routes', () => {
  test('an injected Fulcio or Rekor outage fails one signing, then service resumes; each request is logged', async () => {
    const before = { fulcio: em.requests('fulcio').length, rekor: em.requests('rekor').length };
    em.faults.inject('fulcio', { status: 503, body: 'unavailable' });
    await expect(signStatement(em, publishStatement('f-1.0.tar.gz', Buffer.from('f')))).rejects.toThrow();
    em.faults.inject('rekor', { reset: 'before-headers' });
    await expect(signStatement(em, publishStatement('f-1.0.tar.gz', Buffer.from('f')))).rejects.toThrow();
    await expect(signStatement(em, publishStatement('f-1.0.tar.gz', Buffer.from('f')))).resolves.toBeTruthy();
    expect(em.requests('fulcio').length - before.fulcio).toBe(3);
    expect(em.requests('rekor').length - before.rekor).toBe(2);
    expect(em.requests('fulcio').every((r) => r.method === 'POST' && r.url === '/api/v2/signingCert')).toBe(true);
  });
});

describe("Fulcio's refusals", () => {
  test('a token for another audience, or none, is refused with 401 and no certificate', async () => {
    const jwt = await requestJwt(em, 'pypi');
    const { content, proof } = keyAndProof('repo:octo-org/demo:environment:pypi');
    const answer = await fulcioRequest({ credentials: { oidcIdentityToken: jwt }, publicKeyRequest: { publicKey: { algorithm: 'ECDSA', content }, proofOfPossession: proof } });
    expect(answer).toEqual({ status: 401, body: { code: 16, message: 'There was an error processing the identity token', details: [] } });
    expect((await fulcioRequest({ publicKeyRequest: {} })).status).toBe(400);
  });

  test('a proof of possession that is not the key signing the subject is refused', async () => {
    const jwt = await sigstoreJwt(em);
    const { content } = keyAndProof('x');
    const other = keyAndProof('repo:octo-org/demo:environment:pypi');
    const answer = await fulcioRequest({ credentials: { oidcIdentityToken: jwt }, publicKeyRequest: { publicKey: { algorithm: 'ECDSA', content }, proofOfPossession: other.proof } });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toBe('The signature supplied in the request could not be verified');
  });
});

describe("Rekor's refusals", () => {
  test('only dsse 0.0.1 entries whose signature verifies with the proposed certificate are logged', async () => {
    const post = async (body: unknown) => {
      const res = await fetch(`${em.sigstore.rekorUrl}/api/v1/log/entries`, { method: 'POST', body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as { message: string } };
    };
    expect((await post({ kind: 'hashedrekord', apiVersion: '0.0.1', spec: {} })).status).toBe(400);
    const bundle = await signStatement(em, publishStatement('c-1.0.tar.gz', Buffer.from('c')));
    const cert = Buffer.from(bundle.verificationMaterial.certificate!.rawBytes, 'base64');
    const pem = `-----BEGIN CERTIFICATE-----\n${cert.toString('base64')}\n-----END CERTIFICATE-----\n`;
    const envelope = { ...bundle.dsseEnvelope!, payload: Buffer.from('{"tampered":true}').toString('base64') };
    const answer = await post({ kind: 'dsse', apiVersion: '0.0.1', spec: { proposedContent: { envelope: JSON.stringify(envelope), verifiers: [Buffer.from(pem).toString('base64')] } } });
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/verification failed/);
  });
});
