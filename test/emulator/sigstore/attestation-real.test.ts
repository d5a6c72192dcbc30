/**
 * The emulator's PEP 740 verifier on real artifacts: the released sdist of pypi-attestations 0.0.19, its publish
 * attestation and PyPI's provenance for it (test/fixtures/pep740), against Sigstore's production trusted root,
 * offline. A one-byte change to the sdist, the statement or the signature must each be refused.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AttestationVerifier, parseAttestations, parseDistFilename, sameDistribution, type Attestation, type Provenance } from '../../../src/emulator/sigstore/attestation';
import { startTestEmulator } from '../../support/emulator';
import { productionTrustedRoot } from '../../support/pep740';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'pep740');
const SDIST = 'pypi_attestations-0.0.19.tar.gz';
const sdist = readFileSync(join(FIXTURES, SDIST));
const attestationJson = readFileSync(join(FIXTURES, `${SDIST}.publish.attestation`), 'utf8');
const provenance = JSON.parse(readFileSync(join(FIXTURES, `${SDIST}.provenance`), 'utf8')) as Provenance;
const publisher = { repository: 'trailofbits/pypi-attestations', workflow: 'release.yml', environment: null };
const verifier = new AttestationVerifier(productionTrustedRoot());
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** How PyPI prints the Build Config URI extension (Python's repr of it): DER UTF8String tag 0x0c, length, text. */
function buildConfigRepr(uri: string): string {
  const id = '<ObjectIdentifier(oid=1.3.6.1.4.1.57264.1.18, name=Unknown OID)>';
  return `<Extension(oid=${id}, critical=False, value=<UnrecognizedExtension(oid=${id}, value=b'\\x0c${String.fromCharCode(uri.length)}${uri}')>)>`;
}

function attestation(): Attestation {
  return parseAttestations(`[${attestationJson}]`)[0];
}

/** Change byte `at` of a base64 field. */
function flipByte(base64: string, at: number): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[at] = (bytes[at] + 1) % 256;
  return bytes.toString('base64');
}

test('the real attestation and the provenance PyPI serves verify against the production root, offline', () => {
  expect(sha256(sdist)).toBe('9bb1add04b1b4e182be6b0b80931593f7a291eb49d69b4fd728a5d4cbcdc4bd3');
  expect(verifier.verify(attestation(), publisher, { name: SDIST, sha256: sha256(sdist) })).toBe('https://docs.pypi.org/attestations/publish/v1');
  const [bundle] = provenance.attestation_bundles;
  expect(bundle.publisher).toEqual({ kind: 'GitHub', ...publisher });
  for (const a of bundle.attestations) expect(verifier.verify(a, bundle.publisher, { name: SDIST, sha256: sha256(sdist) })).toBeTruthy();
});

test('one byte changed in the sdist is refused', () => {
  const changed = Buffer.from(sdist);
  const middle = Math.floor(changed.length / 2);
  changed[middle] = (changed[middle] + 1) % 256;
  expect(() => verifier.verify(attestation(), publisher, { name: SDIST, sha256: sha256(changed) }))
    .toThrow('Verification failed: subject does not match distribution digest');
});

test('one byte changed in the statement is refused (the signature no longer covers it)', () => {
  const a = attestation();
  // inside the file name of the subject: still JSON, still one subject
  const statement = Buffer.from(a.envelope.statement, 'base64').toString();
  const at = statement.indexOf('pypi_attestations-0.0.19') + 1;
  const tampered = { ...a, envelope: { ...a.envelope, statement: flipByte(a.envelope.statement, at) } };
  expect(() => verifier.verify(tampered, publisher, { name: SDIST, sha256: sha256(sdist) })).toThrow(/^Verification failed: /);
});

test('one byte changed in the signature is refused', () => {
  const a = attestation();
  const sig = Buffer.from(a.envelope.signature, 'base64');
  const tampered = { ...a, envelope: { ...a.envelope, signature: flipByte(a.envelope.signature, sig.length - 3) } };
  expect(() => verifier.verify(tampered, publisher, { name: SDIST, sha256: sha256(sdist) })).toThrow(/^Verification failed: /);
});

test('another publisher (repository or workflow) is refused by the identity policy', () => {
  const dist = { name: SDIST, sha256: sha256(sdist) };
  expect(() => verifier.verify(attestation(), { ...publisher, workflow: 'publish.yml' }, dist))
    .toThrow(`Certificate's Build Config URI (${buildConfigRepr('https://github.com/trailofbits/pypi-attestations/.github/workflows/release.yml@refs/tags/v0.0.19')}) ` +
      'does not match expected Trusted Publisher (publish.yml @ trailofbits/pypi-attestations)');
  expect(() => verifier.verify(attestation(), { ...publisher, repository: 'octo-org/pypi-attestations' }, dist))
    .toThrow("Verification failed: Certificate's OIDCSourceRepositoryURI does not match " +
      '(got https://github.com/trailofbits/pypi-attestations, expected https://github.com/octo-org/pypi-attestations)');
});

test("the emulator's own trusted root does not vouch for production certificates", async () => {
  const em = await startTestEmulator();
  expect(() => new AttestationVerifier(em.sigstore.trustedRoot()).verify(attestation(), publisher, { name: SDIST, sha256: sha256(sdist) }))
    .toThrow(/^Verification failed: /);
});

test('file names compare as packaging parses them: PEP 440 versions, canonical names, expanded wheel tag sets', () => {
  const same = (a: string, b: string) => {
    const [x, y] = [parseDistFilename(a), parseDistFilename(b)];
    return x !== undefined && y !== undefined && sameDistribution(x, y);
  };
  expect(same('Demo.Package-1.0.tar.gz', 'demo_package-1.0.0.tar.gz')).toBe(true);
  expect(same('demo_package-1.0-py2.py3-none-any.whl', 'demo_package-1.0.0-py3.py2-none-any.whl')).toBe(true);
  expect(same('demo_package-1.0.tar.gz', 'demo_package-1.0.zip')).toBe(true);
  expect(same('demo_package-1.0.tar.gz', 'demo_package-1.0.1.tar.gz')).toBe(false);
  expect(same('demo_package-1.0-py3-none-any.whl', 'demo_package-1.0.tar.gz')).toBe(false);
  expect(same('demo_package-1.0-py3-none-any.whl', 'demo_package-1.0-1-py3-none-any.whl')).toBe(false);
  expect(same('demo_package-1.0-py3-none-any.whl', 'demo_package-1.0-cp312-cp312-manylinux_2_17_x86_64.whl')).toBe(false);
  expect(parseDistFilename('demo_package-not.a.version.tar.gz')).toBeUndefined();
  expect(parseDistFilename('demo_package-1.0.exe')).toBeUndefined();
});
